import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FramedStdioTransport, DEFAULT_MAX_FRAME_BYTES } from './framed-stdio.js';
import { McpGuard, type McpGuardOptions } from './guarded-tools.js';
import type { UpstreamExit, UpstreamOptions } from './upstream.js';
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
  /**
   * Stops: in stdio mode the client is told nothing more and the upstream is stopped (given a signal,
   * it is sent that signal, as the proxy received it); over HTTP every session ends.
   */
  close(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Resolves when the proxy is done: in stdio mode once the client's input ended and every request was
   * answered, the upstream exited, or `close` was called; with how the upstream ended (stdio mode).
   */
  closed: Promise<ProxyEnd>;
}

/** How a proxy ended. */
export interface ProxyEnd {
  /** Stdio mode: how the upstream server ended, the status a direct connection would have seen. */
  upstream?: UpstreamExit;
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
      closed: http.closed.then(() => ({})),
    };
  }

  const key = McpGuard.connectionKey();
  const input = options.stdin ?? process.stdin;
  const client = new FramedStdioTransport(input, options.stdout ?? process.stdout, {
    maxFrameBytes,
    limitHint,
    onRejected: (reason) => log(`from client: ${reason}`),
  });
  client.onerror = () => {};
  const session = await relaySession(upstreamOptions, mcpGuard, () => key, (message) => client.send(message));
  let resolveClosed!: (end: ProxyEnd) => void;
  const closed = new Promise<ProxyEnd>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  /** Ends the session once `settle` has; the client reads nothing after, and this process's stdin is let go. */
  const finish = (settle: () => Promise<void>) =>
    // Settles a microtask later, so `closing` is set before anything `settle` triggers asks for it.
    (closing ??= Promise.resolve().then(async () => {
      await settle();
      await client.close();
      // Reading stops, so nothing keeps a process whose client is done alive (its stdin may stay open).
      if (!options.stdin) process.stdin.destroy();
      resolveClosed({ upstream: await session.upstream.exit });
    }));
  // The client ended its input (it may still read): what it sent is answered first, as the server would.
  client.onclose = () => void finish(() => session.finish());
  // The server left: what waited on it is answered with an error, then the client sees the end, as it would directly.
  void session.upstream.gone.then(() => finish(async () => {
    await session.relay.drained();
    await session.end();
  }));
  const close = (signal?: NodeJS.Signals) =>
    finish(async () => {
      await client.close();
      await session.end(signal);
    });
  client.onmessage = (message) => session.relay.fromClient(message);
  await client.start();
  return { guard: mcpGuard, sessions: () => (closing ? [] : [{ id: key, upstreamPid: session.upstream.child.pid }]), close, closed };
}

function pick(options: HttpSessionOptions): HttpSessionOptions {
  return {
    ...(options.sessionIdleMs !== undefined ? { sessionIdleMs: options.sessionIdleMs } : {}),
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
  };
}
