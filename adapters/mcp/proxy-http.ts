import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { FrameSniffer } from './frame-sniffer.js';
import { frameTooLargeError, INVALID_REQUEST, PARSE_ERROR } from './framed-stdio.js';
import type { McpGuard } from './guarded-tools.js';
import { errorResponse, INTERNAL_ERROR } from './messages.js';
import { relaySession, type RelayedSession } from './relayed-session.js';
import type { UpstreamOptions } from './upstream.js';

/** One client session of the proxy (the proxy's and the HTTP server's view; declared here so the two modules do not import each other). */
export interface ProxySession {
  /** The MCP session id (HTTP), or the connection's key (stdio). */
  id: string;
  /** The process id of the upstream server this session talks to. */
  upstreamPid: number | undefined;
}

export interface HttpSessionOptions {
  /** HTTP: a client session with no open request for this long is ended and its upstream closed (default 30 min). */
  sessionIdleMs?: number;
  /** HTTP: most client sessions at once, each with its own upstream server (default 64). */
  maxSessions?: number;
}

interface HttpContext extends HttpSessionOptions {
  guard: McpGuard;
  upstream: UpstreamOptions;
  maxFrameBytes: number;
  limitHint: string;
  log: (line: string) => void;
}

interface Session {
  id: string;
  transport: StreamableHTTPServerTransport;
  relayed: RelayedSession;
  /** HTTP requests of this session still open (an SSE stream counts): a session with one is not idle. */
  open: number;
  lastSeen: number;
  /** Whether the client's standalone GET stream is open: a server message tied to no request can reach it. */
  standalone: boolean;
  /** Such messages sent before that stream opened (bounded), delivered when it does. */
  early: JSONRPCMessage[];
  /** How many were dropped past the bound. */
  dropped: number;
}

const DEFAULT_IDLE_MS = 30 * 60_000;
const DEFAULT_MAX_SESSIONS = 64;
/** Server messages tied to no request kept until the client opens its GET stream (a client that never does loses the rest). */
const MAX_EARLY = 256;
/** Sessions whose end is remembered, to tell a client that comes back why (the oldest is forgotten first). */
const MAX_ENDED = 1_024;
/** Beyond the frame limit, how much more of a body is read only to find the id to answer. */
const SNIFF_FACTOR = 16;

/**
 * Serves the proxy over Streamable HTTP: one upstream server per client session, so every message
 * (results, notifications, server requests) reaches only the session it belongs to. A session ends when
 * the client deletes it, its upstream exits, it stays idle for `sessionIdleMs`, or the proxy closes.
 */
export async function serveHttp(listen: { host: string; port: number }, context: HttpContext) {
  const { guard, maxFrameBytes, log } = context;
  const idleMs = context.sessionIdleMs ?? DEFAULT_IDLE_MS;
  const maxSessions = context.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const sessions = new Map<string, Session>();
  const ended = new Map<string, string>();
  let starting = 0;

  const endSession = async (session: Session, why: string) => {
    if (!sessions.delete(session.id)) return;
    log(`session ${session.id} ended (${why})`);
    if (ended.size >= MAX_ENDED) ended.delete(ended.keys().next().value as string);
    ended.set(session.id, why);
    await session.relayed.end();
    await session.transport.close().catch(() => {});
  };

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const session of sessions.values()) {
      if (session.open === 0 && now - session.lastSeen >= idleMs) void endSession(session, `idle for ${idleMs} ms`);
    }
  }, Math.max(10, Math.min(idleMs / 2, 30_000)));
  sweep.unref();

  const reply = (response: ServerResponse, status: number, id: string | number | null, code: number, message: string, data?: unknown) => {
    if (response.headersSent) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } }));
  };

  function watch(session: Session, response: ServerResponse): void {
    session.open += 1;
    session.lastSeen = Date.now();
    response.once('close', () => {
      session.open -= 1;
      session.lastSeen = Date.now();
    });
  }

  async function readBody(request: IncomingMessage, response: ServerResponse, session: Session | undefined): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    let sniffer: FrameSniffer | undefined;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (sniffer) {
        sniffer.feed(chunk);
        if (size > maxFrameBytes * SNIFF_FACTOR) break;
        continue;
      }
      if (size > maxFrameBytes) {
        // Too large to keep: read on (bounded) only to learn whom to answer.
        sniffer = new FrameSniffer();
        for (const kept of chunks) sniffer.feed(kept);
        sniffer.feed(chunk);
        chunks.length = 0;
        continue;
      }
      chunks.push(chunk);
    }
    if (!sniffer) return Buffer.concat(chunks);
    const envelope = sniffer.result();
    const error = frameTooLargeError(envelope, maxFrameBytes, context.limitHint);
    log(`from client: ${error.message}`);
    if (envelope.id !== undefined && envelope.method !== undefined) {
      // A request: its answer is a JSON-RPC error, as any other answer would be.
      response.writeHead(200, { 'content-type': 'application/json', ...(session ? { 'mcp-session-id': session.id } : {}) }).end(JSON.stringify({ jsonrpc: '2.0', id: envelope.id, error }));
    } else {
      // A response to the server's request: the server hears why it will get no answer.
      if (envelope.id !== undefined && session) void session.relayed.upstream.transport.send(errorResponse(envelope.id, error.code, error.message, error.data)).catch(() => {});
      reply(response, 413, null, error.code, error.message, error.data);
    }
    if (!request.readableEnded) request.destroy();
    return undefined;
  }

  /**
   * To the client: a message tied to no request goes on the standalone GET stream, and until the client
   * has opened it (right after initialize, a server announces what changed) it is kept, not dropped.
   */
  function deliver(session: Session | undefined, transport: StreamableHTTPServerTransport, message: JSONRPCMessage, options?: { relatedRequestId?: string | number }): Promise<void> {
    const unrouted = options?.relatedRequestId === undefined && (message as { method?: unknown }).method !== undefined;
    if (!unrouted || session === undefined || session.standalone) return transport.send(message, options);
    if (session.early.length < MAX_EARLY) session.early.push(message);
    else if (session.dropped++ === 0) log(`session ${session.id}: the client has not opened its GET stream; server messages tied to no request are dropped past ${MAX_EARLY}`);
    return Promise.resolve();
  }

  /** The client's GET stream is open (its head is being written): what was kept goes out on it, in order. */
  function standaloneOpened(session: Session, response: ServerResponse): void {
    session.standalone = true;
    response.once('close', () => (session.standalone = false));
    const early = session.early.splice(0);
    for (const message of early) void session.transport.send(message).catch((error: unknown) => log(`could not reach the client: ${(error as Error)?.message}`));
  }

  /** Tells when the SDK answers a GET with its event stream (it writes the head once the stream is registered). */
  function onStreamHead(session: Session, response: ServerResponse): void {
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    (response as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
      const written = writeHead(...args);
      if (args[0] === 200) queueMicrotask(() => standaloneOpened(session, response));
      return written;
    };
  }

  async function openSession(body: unknown, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const id = (body as { id?: string | number }).id ?? null;
    if (sessions.size + starting >= maxSessions) {
      return reply(response, 503, id, INTERNAL_ERROR, `The proxy serves at most ${maxSessions} sessions at once (maxSessions); close one or try again later.`);
    }
    starting += 1;
    let key = '';
    let session: Session | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        key = sessionId;
        session!.id = sessionId;
        sessions.set(sessionId, session!);
      },
    });
    let relayed: RelayedSession;
    try {
      relayed = await relaySession(context.upstream, guard, () => key, (message, options) => deliver(session, transport, message, options), {
        routeServerMessages: true,
        onUpstreamExit: (reason) => {
          // Let the errors for what was waiting go out first.
          if (session) setTimeout(() => void endSession(session!, `upstream server ended: ${reason}`), 100).unref();
        },
      });
    } catch (error) {
      starting -= 1;
      return reply(response, 502, id, INTERNAL_ERROR, (error as Error).message);
    }
    starting -= 1;
    session = { id: '', transport, relayed, open: 0, lastSeen: Date.now(), standalone: false, early: [], dropped: 0 };
    transport.onmessage = (message, extra) => relayed.relay.fromClient(message, extra);
    transport.onclose = () => {
      if (session!.id) void endSession(session!, 'closed by the client');
      else void relayed.end();
    };
    transport.onerror = (error) => log(`HTTP transport: ${error.message}`);
    await transport.start();
    watch(session, response);
    await transport.handleRequest(request, response, body);
    // An initialize the transport refused leaves no session behind, and no upstream.
    if (!session.id) void relayed.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const header = request.headers['mcp-session-id'];
      const session = typeof header === 'string' ? sessions.get(header) : undefined;
      if (typeof header === 'string' && !session) {
        const why = ended.get(header);
        return reply(response, 404, null, INVALID_REQUEST, why ? `Session not found: it ended (${why}); start a new one with initialize` : 'Session not found: it ended or never existed; start a new one with initialize');
      }
      if (request.method !== 'POST') {
        if (!session) return reply(response, 400, null, INVALID_REQUEST, 'Bad Request: Mcp-Session-Id header is required');
        watch(session, response);
        if (request.method === 'GET') onStreamHead(session, response);
        return await session.transport.handleRequest(request, response);
      }
      const raw = await readBody(request, response, session);
      if (raw === undefined) return;
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        return reply(response, 400, null, PARSE_ERROR, `Parse error: ${(error as Error).message}`);
      }
      if (session) {
        watch(session, response);
        return await session.transport.handleRequest(request, response, body);
      }
      if (!isInitializeRequest(body)) return reply(response, 400, null, INVALID_REQUEST, 'Bad Request: no valid session; start with initialize');
      await openSession(body, request, response);
    } catch (error) {
      log(`HTTP request failed: ${(error as Error).message}`);
      reply(response, 500, null, INTERNAL_ERROR, 'Internal error');
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  return {
    address: server.address() as AddressInfo,
    closed,
    sessions: (): ProxySession[] => [...sessions.values()].map((session) => ({ id: session.id, upstreamPid: session.relayed.upstream.child.pid })),
    async close(): Promise<void> {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((session) => endSession(session, 'proxy closed')));
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      resolveClosed();
    },
  };
}
