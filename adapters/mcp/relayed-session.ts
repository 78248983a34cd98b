import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpGuard } from './guarded-tools.js';
import { GuardedRelay, type RelayOptions } from './relay.js';
import { startUpstream, type Upstream, type UpstreamOptions } from './upstream.js';

/** One client connection relayed to its own upstream server through the guard. */
export interface RelayedSession {
  readonly upstream: Upstream;
  readonly relay: GuardedRelay;
  /**
   * Stops the upstream (closes its stdin and terminates it if it stays; given a signal, sends it that
   * signal at once) and ends the guard session.
   */
  end(signal?: NodeJS.Signals): Promise<void>;
  /**
   * The client has no more to say (its input ended): what it sent is forwarded (calls still being
   * checked included), the server's stdin closed as the client's was, every request answered, then the
   * session ends as with `end`.
   */
  finish(): Promise<void>;
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
  const end = (signal?: NodeJS.Signals) =>
    (ending ??= (async () => {
      // The server's last words (a notification after its last answer) still reach the client.
      await upstream.stop(signal);
      await relay.close();
    })());
  const finish = async () => {
    await relay.forwarded();
    upstream.endInput();
    // A server that leaves at EOF is waited for (its exit answers what it left); one that stays is stopped once nothing waits on it.
    await relay.drained();
    await end();
  };
  return { upstream, relay, end, finish };
}
