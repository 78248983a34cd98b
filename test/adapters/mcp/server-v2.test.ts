// guardMcpServer on the MCP SDK's v2 line (@modelcontextprotocol/server, /client): the same guard,
// through public APIs only.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpServer, Server, InMemoryTransport } from '@modelcontextprotocol/server';
import { Client } from '@modelcontextprotocol/client';
import { guardMcpServer, REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';

interface Result {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  _meta?: Record<string, unknown>;
}

const ORDERS: Record<string, { customer_id: string; total: number }> = { ord_1001: { customer_id: 'cust_1', total: 42 } };

async function connectV2(register: 'before' | 'after') {
  const server = new McpServer({ name: 'orders-v2', version: '1.0.0' });
  let refunds = 0;
  const tools = () => {
    server.registerTool(
      'list_orders',
      { description: 'Orders of a customer.', inputSchema: z.object({ customer_id: z.string() }), annotations: { readOnlyHint: true } },
      async ({ customer_id }) => ({ content: [{ type: 'text', text: JSON.stringify(Object.keys(ORDERS).filter((id) => ORDERS[id]!.customer_id === customer_id)) }] }),
    );
    server.registerTool(
      'refund_order',
      { description: 'Refund an order.', inputSchema: z.object({ order_id: z.string().regex(/^ord_\d+$/), amount: z.number() }), annotations: { destructiveHint: true } },
      async ({ order_id, amount }) => {
        refunds += 1;
        return { content: [{ type: 'text', text: JSON.stringify({ refunded: amount, order_id }) }] };
      },
    );
  };
  if (register === 'before') tools();
  guardMcpServer(server);
  if (register === 'after') tools();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'v2-test', version: '1.0.0' });
  await client.connect(clientSide);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<Result>;
  return { client, call, refunds: () => refunds };
}

describe.each(['before', 'after'] as const)('guardMcpServer on a v2 McpServer (tools registered %s guarding)', (register) => {
  it('refuses a refund of an order no result established, and never runs it', async () => {
    const { call, refunds } = await connectV2(register);
    const result = await call('refund_order', { order_id: 'ord_31337', amount: 500 });
    expect(result.isError).toBe(true);
    expect(result._meta?.[REFUSAL_META_KEY]).toMatchObject({ action: 'block', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
    expect(refunds()).toBe(0);
  });

  it('lets the normal flow through untouched: list, then refund what the list returned', async () => {
    const { call, refunds } = await connectV2(register);
    expect(await call('list_orders', { customer_id: 'cust_1' })).toEqual({ content: [{ type: 'text', text: '["ord_1001"]' }] });
    expect(await call('refund_order', { order_id: 'ord_1001', amount: 5 })).toEqual({ content: [{ type: 'text', text: '{"refunded":5,"order_id":"ord_1001"}' }] });
    expect(refunds()).toBe(1);
  });

  it("refuses arguments that violate the tool's declared schema before the server sees them", async () => {
    const { call } = await connectV2(register);
    const result = await call('refund_order', { order_id: 'ORDER-1', amount: 5 });
    const refusal = result._meta?.[REFUSAL_META_KEY] as { flags: Array<{ code: string }> };
    expect(refusal.flags.map((flag) => flag.code)).toContain('TOOL_ARG_MISMATCH');
  });
});

it('guards a v2 low-level Server whose handlers were set before and after wrapping', async () => {
  const server = new Server({ name: 'low-v2', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({
    tools: [{ name: 'delete_file', inputSchema: { type: 'object' as const, properties: { file_id: { type: 'string' } }, required: ['file_id'] }, annotations: { destructiveHint: true } }],
  }));
  guardMcpServer(server);
  let deleted = 0;
  server.setRequestHandler('tools/call', async () => {
    deleted += 1;
    return { content: [{ type: 'text' as const, text: 'deleted' }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'v2-test', version: '1.0.0' });
  await client.connect(clientSide);
  const result = (await client.callTool({ name: 'delete_file', arguments: { file_id: 'f_123' } })) as Result;
  expect((result._meta?.[REFUSAL_META_KEY] as { flags: Array<{ code: string }> }).flags[0]!.code).toBe('ENTITY_HALLUCINATION');
  expect(deleted).toBe(0);
});

it('refuses to guard a v2 server that is already connected (its open connection would not be guarded)', async () => {
  const server = new McpServer({ name: 'late', version: '1.0.0' });
  const [, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  expect(() => guardMcpServer(server)).toThrow(/before connecting/);
});
