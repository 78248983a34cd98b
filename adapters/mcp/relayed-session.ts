import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpGuard } from './guarded-tools.js';
import { GuardedRelay, type RelayOptions } from './relay.js';
import { startUpstream, type Upstream, type UpstreamOptions } from './upstream.js';

/** One client connection relayed to its own upstream server through the guard. */
export interface RelayedSession {
  readonly upstream: Upstream;
  readonly relay: GuardedRelay;
  /** Answers what waits on the upstream, stops it and ends the guard session. */
  end(): Promise<void>;
}

/**
 * Starts an upstream server and relays one client connection to it through the guard. `toClient`
 * delivers to the client; the returned relay takes what the client sends.
 */
export async function relaySession(
  upstreamOptions: UpstreamOptions,
  guard: McpGuard,
  sessionKey: () => string,
  toClient: RelayOptions['toClient'],
  extra: { routeServerMessages?: boolean; onUpstreamExit?: (reason: string) => void } = {},
): Promise<RelayedSession> {
  const upstream = await startUpstream(upstreamOptions);
  const relay = new GuardedRelay({
    guard,
    sessionKey,
    toClient,
    toServer: (message: JSONRPCMessage) => upstream.transport.send(message),
    ...(extra.routeServerMessages ? { routeServerMessages: true } : {}),
    log: upstreamOptions.log,
  });
  upstream.transport.onmessage = (message) => void relay.fromServer(message);
  void upstream.exited.then((reason) => {
    upstreamOptions.log(`upstream server ended (${reason})`);
    relay.serverClosed(reason);
    extra.onUpstreamExit?.(reason);
  });
  await upstream.transport.start();
  let ending: Promise<void> | undefined;
  const end = () =>
    (ending ??= (async () => {
      await relay.close();
      await upstream.stop();
    })());
  return { upstream, relay, end };
}
