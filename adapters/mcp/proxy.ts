import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FramedStdioTransport, DEFAULT_MAX_FRAME_BYTES } from './framed-stdio.js';
import { McpGuard, type McpGuardOptions } from './guarded-tools.js';
import type { UpstreamOptions } from './upstream.js';
import { relaySession } from './relayed-session.js';
import { serveHttp, type HttpSessionOptions, type ProxySession } from './proxy-http.js';

export type { ProxySession } from './proxy-http.js';

export interface ProxyOptions extends McpGuardOptions, HttpSessionOptions {
  /** The upstream MCP server, started as a child process speaking MCP on stdio. */
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Serve clients over Streamable HTTP on this address instead of this process's stdio (one upstream per client session). */
  listen?: { host: string; port: number };
  /** Client side streams for stdio mode (default: this process's stdin and stdout). */
  stdin?: Readable;
  stdout?: Writable;
  /** Largest JSON-RPC frame either side may send (default 4 MiB); a larger one is answered with an error naming this limit. */
  maxFrameBytes?: number;
  /** Where the proxy reports what it refuses and what upstream does (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningProxy {
  /** The HTTP address in listen mode. */
  address?: AddressInfo;
  guard: McpGuard;
  /** The client sessions open now, each with its own upstream server. */
  sessions(): ProxySession[];
  close(): Promise<void>;
  /** Resolves when the client side is gone (stdio closed) or `close` was called. */
  closed: Promise<void>;
}

/**
 * The guarding proxy: a JSON-RPC relay between MCP clients and an upstream server started as a child
 * process. Everything passes through in both directions (requests either way, responses, progress,
 * cancellation, logging, sampling, elicitation, roots, tasks, methods it does not know), except what the
 * guard acts on: every tools/call is checked before it is forwarded and its result after, tool
 * definitions are pinned as listed, sampling requests are counted against the budget and scanned, and a
 * pause is put to the user through elicitation when the client supports it. Over HTTP each client
 * session gets its own upstream server, closed when the session ends or stays idle.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? ((line: string) => process.stderr.write(`warden proxy: ${line}\n`));
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const limitHint = 'raise it with warden proxy --max-frame-bytes N (maxFrameBytes)';
  const mcpGuard = new McpGuard(options);
  const upstreamOptions: UpstreamOptions = { command: options.command, ...(options.args ? { args: options.args } : {}), ...(options.env ? { env: options.env } : {}), maxFrameBytes, limitHint, log };

  if (options.listen) {
    const http = await serveHttp(options.listen, { guard: mcpGuard, upstream: upstreamOptions, maxFrameBytes, limitHint, log, ...pick(options) });
    let closing: Promise<void> | undefined;
    return {
      address: http.address,
      guard: mcpGuard,
      sessions: http.sessions,
      close: () => (closing ??= http.close()),
      closed: http.closed,
    };
  }

  const key = McpGuard.connectionKey();
  const client = new FramedStdioTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout, {
    maxFrameBytes,
    limitHint,
    onRejected: (reason) => log(`from client: ${reason}`),
  });
  client.onerror = () => {};
  const session = await relaySession(upstreamOptions, mcpGuard, () => key, (message) => client.send(message));
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await session.end();
      await client.close();
      resolveClosed();
    })());
  client.onmessage = (message) => session.relay.fromClient(message);
  client.onclose = () => void close();
  await client.start();
  return { guard: mcpGuard, sessions: () => (closing ? [] : [{ id: key, upstreamPid: session.upstream.child.pid }]), close, closed };
}

function pick(options: HttpSessionOptions): HttpSessionOptions {
  return {
    ...(options.sessionIdleMs !== undefined ? { sessionIdleMs: options.sessionIdleMs } : {}),
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
  };
}
