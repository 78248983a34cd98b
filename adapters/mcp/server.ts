import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { listAllTools, McpGuard, type CallToolParams, type McpGuardOptions } from './guarded-tools.js';

interface RawRequest {
  method: string;
  params?: Record<string, unknown>;
}
interface RawExtra {
  sessionId?: string;
}
type RawHandler = (request: RawRequest, extra: RawExtra) => Promise<unknown>;

function lowLevel(server: Server | McpServer): Server {
  const candidate = server as McpServer;
  return typeof candidate.registerTool === 'function' && candidate.server ? candidate.server : (server as Server);
}

/**
 * Runs every tool of an MCP server through the guard, in process: wraps its `tools/list` (to pin the
 * definitions clients see, with their JSON Schemas and annotations) and `tools/call` handlers, whether
 * they are already registered or registered later. Works for `McpServer` and for a low-level `Server`.
 * @example
 * const server = new McpServer({ name: 'orders', version: '1.0.0' });
 * guardMcpServer(server, { guard: { policy } });
 * server.registerTool('get_order', { inputSchema: { order_id: z.string() }, annotations: { readOnlyHint: true } }, handler);
 */
export function guardMcpServer(server: Server | McpServer, options: McpGuardOptions = {}): McpGuard {
  const low = lowLevel(server);
  const handlers = (low as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error('agent-warden/mcp: this @modelcontextprotocol/sdk keeps its request handlers where guardMcpServer cannot find them (it supports the 1.x line)');
  }
  const table = handlers as Map<string, RawHandler>;
  const mcpGuard = new McpGuard(options);
  // One connection without an MCP session id (stdio, in-memory) is one guard session.
  const connectionKey = McpGuard.connectionKey();
  const keyOf = (extra: RawExtra | undefined) => extra?.sessionId ?? connectionKey;
  const ours = new WeakSet<RawHandler>();
  let originalList: RawHandler | undefined;

  const listAll = (extra: RawExtra): Promise<Tool[]> =>
    originalList ? listAllTools((cursor) => originalList!({ method: 'tools/list', params: cursor ? { cursor } : {} }, extra) as Promise<ListToolsResult>) : Promise.resolve([]);

  function wrap(): void {
    const list = table.get('tools/list');
    if (list && !ours.has(list)) {
      originalList = list;
      const guardedList: RawHandler = async (request, extra) => {
        const result = (await list(request, extra)) as ListToolsResult;
        // Pin only complete lists: a page alone would make the tools on other pages look unknown.
        if (!result.nextCursor && !request.params?.cursor) await mcpGuard.toolsListed(keyOf(extra), result.tools, request.params?._meta as Record<string, unknown> | undefined);
        return result;
      };
      ours.add(guardedList);
      table.set('tools/list', guardedList);
    }
    const call = table.get('tools/call');
    if (call && !ours.has(call)) {
      const guardedCall: RawHandler = async (request, extra) => {
        const params = request.params as CallToolParams | undefined;
        if (!params || typeof params.name !== 'string') return call(request, extra);
        return mcpGuard.call(keyOf(extra), params, (checked) => call({ ...request, params: { ...request.params, ...checked } }, extra) as Promise<CallToolResult>, () => listAll(extra));
      };
      ours.add(guardedCall);
      table.set('tools/call', guardedCall);
    }
  }

  const setRequestHandler = low.setRequestHandler.bind(low);
  low.setRequestHandler = ((schema: Parameters<Server['setRequestHandler']>[0], handler: Parameters<Server['setRequestHandler']>[1]) => {
    setRequestHandler(schema, handler);
    wrap();
  }) as Server['setRequestHandler'];
  wrap();

  const onclose = low.onclose;
  low.onclose = () => {
    onclose?.();
    void mcpGuard.endAll();
  };
  return mcpGuard;
}
