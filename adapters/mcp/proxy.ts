import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  isInitializeRequest,
  ListToolsRequestSchema,
  McpError,
  ResultSchema,
  ToolListChangedNotificationSchema,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { FramedStdioTransport, DEFAULT_MAX_FRAME_BYTES, PARSE_ERROR, INVALID_REQUEST } from './framed-stdio.js';
import { listAllTools, McpGuard, type McpGuardOptions } from './guarded-tools.js';

export interface ProxyOptions extends McpGuardOptions {
  /** The upstream MCP server, started as a child process speaking MCP on stdio. */
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Serve clients over Streamable HTTP on this address instead of this process's stdio. */
  listen?: { host: string; port: number };
  /** Client side streams for stdio mode (default: this process's stdin and stdout). */
  stdin?: Readable;
  stdout?: Writable;
  maxFrameBytes?: number;
  /** Where the proxy reports what it refuses and what upstream does (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningProxy {
  /** The HTTP address in listen mode. */
  address?: AddressInfo;
  guard: McpGuard;
  close(): Promise<void>;
  /** Resolves when the client side is gone (stdio closed) or `close` was called. */
  closed: Promise<void>;
}

/** Capabilities the proxy can pass through: what upstream has, minus what it cannot relay. */
function mirrored(capabilities: ServerCapabilities | undefined): ServerCapabilities {
  const { experimental: _experimental, tasks: _tasks, ...rest } = (capabilities ?? {}) as ServerCapabilities & { tasks?: unknown };
  return rest;
}

/**
 * The guarding proxy: starts the upstream server, and serves its tools, resources and prompts to
 * clients with every tools/call checked by the guard before it is forwarded and every result after.
 * Tool definitions are pinned as listed; a change (list_changed) is flagged and forwarded.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? ((line: string) => process.stderr.write(`warden proxy: ${line}\n`));
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const mcpGuard = new McpGuard(options);

  const child: ChildProcess = spawn(options.command, options.args ?? [], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env ?? process.env });
  let upstreamExit: string | undefined;
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.once('exit', (code, signal) => {
    upstreamExit = signal ? `signal ${signal}` : `exit code ${code}`;
    log(`upstream server ended (${upstreamExit})`);
  });
  await spawned.catch((error: Error) => {
    throw new Error(`cannot start upstream server "${options.command}": ${error.message}`);
  });

  const upstream = new Client({ name: 'agent-warden-proxy', version: '0.1.0' }, { capabilities: {} });
  const upstreamTransport = new FramedStdioTransport(child.stdout!, child.stdin!, { maxFrameBytes, onRejected: (reason) => log(`from upstream: ${reason}`) });
  await upstream.connect(upstreamTransport);
  const capabilities = mirrored(upstream.getServerCapabilities());
  const serverInfo = upstream.getServerVersion() ?? { name: 'upstream', version: '0.0.0' };
  const instructions = upstream.getInstructions();
  const downstreams = new Set<Server>();

  const failed = (error: unknown): never => {
    if (upstreamExit !== undefined) throw new McpError(ErrorCode.InternalError, `upstream MCP server is not running (${upstreamExit})`);
    if (error instanceof McpError) throw error;
    throw new McpError(ErrorCode.InternalError, `upstream MCP server failed: ${(error as Error)?.message ?? String(error)}`);
  };
  const listAll = (signal?: AbortSignal): Promise<Tool[]> =>
    listAllTools((cursor) => upstream.listTools(cursor ? { cursor } : {}, signal ? { signal } : {}).catch(failed));

  // Upstream notifications reach every client; a changed tool list is re-pinned first.
  upstream.setNotificationHandler(ToolListChangedNotificationSchema, async (notification) => {
    try {
      await mcpGuard.toolsChanged(await listAll());
    } catch (error) {
      log(`could not re-list tools after list_changed: ${(error as Error).message}`);
    }
    for (const server of downstreams) await server.notification(notification).catch(() => {});
  });
  upstream.fallbackNotificationHandler = async (notification) => {
    for (const server of downstreams) await server.notification(notification).catch(() => {});
  };

  function downstreamServer(sessionKey: () => string): Server {
    const server = new Server(serverInfo, { capabilities, ...(instructions ? { instructions } : {}) });
    if (capabilities.tools) {
      server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
        const result = await upstream.listTools(request.params, { signal: extra.signal }).catch(failed);
        if (!result.nextCursor && !request.params?.cursor) await mcpGuard.toolsListed(sessionKey(), result.tools, request.params?._meta);
        return result;
      });
      server.setRequestHandler(CallToolRequestSchema, async (request, extra) =>
        mcpGuard.call(
          sessionKey(),
          request.params,
          (checked) => upstream.callTool(checked, undefined, { signal: extra.signal, timeout: 600_000, resetTimeoutOnProgress: true }).catch(failed) as never,
          () => listAll(extra.signal),
        ),
      );
    }
    // Everything else (resources, prompts, completions, logging, ...) passes through untouched.
    server.fallbackRequestHandler = async (request, extra) => upstream.request({ method: request.method, params: request.params }, ResultSchema.passthrough(), { signal: extra.signal }).catch(failed);
    server.fallbackNotificationHandler = async (notification) => {
      await upstream.notification(notification).catch(() => {});
    };
    downstreams.add(server);
    return server;
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let httpServer: HttpServer | undefined;
  let closing = false;
  const close = async () => {
    if (closing) return closed;
    closing = true;
    await mcpGuard.endAll();
    for (const server of downstreams) await server.close().catch(() => {});
    await new Promise<void>((resolve) => (httpServer ? httpServer.close(() => resolve()) : resolve()));
    await upstream.close().catch(() => {});
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    resolveClosed();
    return closed;
  };

  if (!options.listen) {
    const key = McpGuard.connectionKey();
    const server = downstreamServer(() => key);
    const transport = new FramedStdioTransport(options.stdin ?? process.stdin, options.stdout ?? process.stdout, { maxFrameBytes, onRejected: (reason) => log(`from client: ${reason}`) });
    server.onclose = () => void close();
    await server.connect(transport);
    return { guard: mcpGuard, close, closed };
  }

  const sessions = new Map<string, StreamableHTTPServerTransport>();
  httpServer = createServer((request, response) => void handleHttp(request, response));
  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, code: number, message: string) => {
      if (!response.headersSent) response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
    };
    try {
      const sessionId = request.headers['mcp-session-id'];
      const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (request.method !== 'POST') {
        if (!existing) return reply(400, INVALID_REQUEST, 'Bad Request: unknown or missing Mcp-Session-Id');
        return await existing.handleRequest(request, response);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > maxFrameBytes) {
          reply(413, INVALID_REQUEST, `request body larger than ${maxFrameBytes} bytes refused`);
          request.destroy();
          return;
        }
        chunks.push(chunk as Buffer);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        return reply(400, PARSE_ERROR, `Parse error: ${(error as Error).message}`);
      }
      if (existing) return await existing.handleRequest(request, response, body);
      if (!isInitializeRequest(body)) return reply(400, INVALID_REQUEST, 'Bad Request: no valid session; start with initialize');
      let key = '';
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          key = id;
          sessions.set(id, transport);
        },
      });
      const server = downstreamServer(() => key);
      transport.onclose = () => {
        if (key) sessions.delete(key);
        downstreams.delete(server);
        void mcpGuard.end(key);
      };
      await server.connect(transport);
      await transport.handleRequest(request, response, body);
    } catch (error) {
      log(`HTTP request failed: ${(error as Error).message}`);
      reply(500, ErrorCode.InternalError, 'Internal error');
    }
  }
  await new Promise<void>((resolve, reject) => {
    httpServer!.once('error', reject);
    httpServer!.listen(options.listen!.port, options.listen!.host, () => resolve());
  });
  return { address: httpServer.address() as AddressInfo, guard: mcpGuard, close, closed };
}
