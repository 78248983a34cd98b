// guardMcpServer behind the SDK's own Streamable HTTP transport, one server per session (the SDK's
// pattern): each MCP session is its own guard session, keyed by the transport's session id.
import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createOrderServer } from '../../../examples/mcp-order-server.js';
import { MemorySink } from '../../../src/trace/sinks.js';
import { REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';

const servers: HttpServer[] = [];
afterAll(() => servers.forEach((server) => server.close()));

async function serve(sink: MemorySink): Promise<URL> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const id = request.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? transports.get(id) : undefined;
    if (existing) return existing.handleRequest(request, response, body);
    if (!isInitializeRequest(body)) return void response.writeHead(400).end();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sessionId) => void transports.set(sessionId, transport) });
    const { server } = createOrderServer({ guard: { sink } });
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
  });
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
}

describe('guardMcpServer over Streamable HTTP', () => {
  it('guards each session on its own, recorded under the MCP session id', async () => {
    const sink = new MemorySink();
    const url = await serve(sink);
    const [a, b] = [new Client({ name: 'a', version: '1' }), new Client({ name: 'b', version: '1' })];
    const [ta, tb] = [new StreamableHTTPClientTransport(url), new StreamableHTTPClientTransport(url)];
    await a.connect(ta);
    await b.connect(tb);
    const call = (client: Client, name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
    expect((await call(a, 'list_orders', { customer_id: 'cust_2' })).isError).toBeFalsy();
    expect((await call(a, 'refund_order', { order_id: 'ord_2001', amount: 1 })).isError).toBeFalsy();
    const other = await call(b, 'refund_order', { order_id: 'ord_2001', amount: 1 });
    expect((other._meta?.[REFUSAL_META_KEY] as { flags: Array<{ code: string }> }).flags[0]!.code).toBe('ENTITY_HALLUCINATION');
    const sessions = new Set(sink.events.filter((event) => event.type === 'session.start').map((event) => event.session_id));
    expect(sessions).toEqual(new Set([ta.sessionId, tb.sessionId]));
    await a.close();
    await b.close();
  }, 30_000);
});
