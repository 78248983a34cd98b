import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ElicitRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createOrderServer } from '../../../examples/mcp-order-server.js';
import { guardMcpServer, ENTITIES_META_KEY, REFUSAL_META_KEY } from '../../../adapters/mcp/index.js';
import { MemorySink } from '../../../src/trace/sinks.js';
import type { McpGuardOptions } from '../../../adapters/mcp/index.js';

async function connect(options: McpGuardOptions = {}) {
  const { server } = createOrderServer(options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) =>
  client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) }) as Promise<CallToolResult>;
const refusalOf = (result: CallToolResult) => result._meta?.[REFUSAL_META_KEY] as { action: string; flags: Array<{ code: string }> } | undefined;
const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

describe('guardMcpServer over InMemoryTransport', () => {
  it('lets a normal client session through untouched: lookups, then a refund of an order a result listed', async () => {
    const guarded = await connect();
    const results = [
      await call(guarded, 'get_customer', { customer_id: 'cust_1' }),
      await call(guarded, 'list_orders', { customer_id: 'cust_1' }),
      await call(guarded, 'get_order', { order_id: 'ord_1001' }),
      await call(guarded, 'refund_order', { order_id: 'ord_1002', amount: 10 }),
    ];
    expect(results.map((result) => result.isError ?? false)).toEqual([false, false, false, false]);
    expect(JSON.parse(text(results[2]!))).toEqual({ order_id: 'ord_1001', customer_id: 'cust_1', status: 'shipped', total: 42.1 });
    expect(JSON.parse(text(results[3]!))).toEqual({ refunded: 10, order_id: 'ord_1002', customer_id: 'cust_1' });
  });

  it('refuses a write with an id no result carried, with isError and a text the model can act on', async () => {
    const client = await connect();
    const result = await call(client, 'refund_order', { order_id: 'ord_9999', amount: 50 });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/ord_9999, an id that appeared in no trusted prior context.*look the id up first/);
    expect(refusalOf(result)).toMatchObject({ action: 'block', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
  });

  it('lets a read-only lookup establish an id, and only a successful one', async () => {
    const client = await connect();
    expect((await call(client, 'get_order', { order_id: 'ord_2001' })).isError).toBeFalsy();
    expect((await call(client, 'refund_order', { order_id: 'ord_2001', amount: 1 })).isError).toBeFalsy();
    expect((await call(client, 'get_order', { order_id: 'ord_7777' })).isError).toBe(true);
    expect(refusalOf(await call(client, 'refund_order', { order_id: 'ord_7777', amount: 1 }))?.flags[0]?.code).toBe('ENTITY_HALLUCINATION');
  });

  it("refuses arguments that violate the tool's declared schema", async () => {
    const client = await connect();
    const result = await call(client, 'get_order', { order_id: 'ORDER-1' });
    expect(refusalOf(result)).toMatchObject({ flags: [{ code: 'TOOL_ARG_MISMATCH' }] });
  });

  it('pauses a loop, answering at once when no escalation handler is configured', async () => {
    const client = await connect();
    const outcomes = [];
    for (let index = 0; index < 4; index += 1) outcomes.push(refusalOf(await call(client, 'get_order', { order_id: 'ord_1001' }))?.action ?? 'ok');
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'pause']);
    const after = await call(client, 'get_customer', { customer_id: 'cust_1' });
    expect(refusalOf(after)).toMatchObject({ action: 'pause', flags: [{ code: 'SESSION_PAUSED' }] });
    expect(text(after)).toMatch(/paused/);
  });

  it('waits for the escalation handler on a pause, and runs the call it approves', async () => {
    const asked: string[] = [];
    const client = await connect({
      guard: {
        escalate: async ({ flags }) => {
          asked.push(flags[0]!.code);
          return 'approve' as const;
        },
      },
    });
    let last: CallToolResult | undefined;
    for (let index = 0; index < 4; index += 1) last = await call(client, 'get_order', { order_id: 'ord_1001' });
    expect(last!.isError).toBeFalsy();
    expect(asked).toEqual(['LOOP_DETECTED']);
  });

  it('asks the user through the client’s elicitation on a pause, and runs the call they approve', async () => {
    const { server } = createOrderServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { continue: true } };
    });
    await client.connect(clientSide);
    let last: CallToolResult | undefined;
    for (let index = 0; index < 4; index += 1) last = await call(client, 'get_order', { order_id: 'ord_1001' });
    expect(last!.isError).toBeFalsy();
    expect(asked).toEqual([expect.stringMatching(/^agent-warden paused this session: get_order called 4 times.*Continue\?$/)]);
  });

  it('leaves the session paused when the user dismisses the question, until pauseTimeoutMs lifts it', async () => {
    const { server } = createOrderServer({ guard: { policy: { pauseTimeoutMs: 3_000 } } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'cancel' }));
    await client.connect(clientSide);
    let last: CallToolResult | undefined;
    for (let index = 0; index < 4; index += 1) last = await call(client, 'get_order', { order_id: 'ord_1001' });
    expect(refusalOf(last!)?.action).toBe('pause');
    expect(text(last!)).toMatch(/lifts by itself in about \d+ s/);
    expect(refusalOf(await call(client, 'get_customer', { customer_id: 'cust_1' }))?.flags[0]?.code).toBe('SESSION_PAUSED');
    // Distinct calls, spaced out: the same refused call again and again would itself be a loop.
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['list_orders', { customer_id: 'cust_1' }],
      ['get_order', { order_id: 'ord_1002' }],
      ['get_customer', { customer_id: 'cust_2' }],
      ['list_orders', { customer_id: 'cust_2' }],
      ['get_order', { order_id: 'ord_2001' }],
    ];
    const seen: string[] = [];
    for (const [name, args] of attempts) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const result = await call(client, name, args);
      if (!result.isError) return;
      seen.push(refusalOf(result)?.flags.map((flag) => flag.code).join(',') ?? text(result));
    }
    throw new Error(`the pause never lifted: ${seen.join(' | ')}`);
  }, 40_000);

  it("withholds a result about another customer than the one the client declared in _meta", async () => {
    const client = await connect();
    const meta = { [ENTITIES_META_KEY]: { customer_id: 'cust_1' } };
    expect((await call(client, 'get_order', { order_id: 'ord_1001' }, meta)).isError).toBeFalsy();
    const other = await call(client, 'get_order', { order_id: 'ord_2001' });
    expect(refusalOf(other)).toMatchObject({ flags: [{ code: 'ENTITY_MISMATCH' }] });
    expect(text(other)).not.toContain('delivered');
  });

  it('records the session as a replayable trace in tool-results provenance mode', async () => {
    const sink = new MemorySink();
    const client = await connect({ guard: { sink } });
    await call(client, 'get_order', { order_id: 'ord_1001' });
    await call(client, 'refund_order', { order_id: 'ord_4040', amount: 1 });
    const start = sink.events.find((event) => event.type === 'session.start');
    expect(start).toMatchObject({ metadata: { 'agent-warden': { provenance: 'tool-results' } } });
    expect(sink.events.filter((event) => event.type === 'guard.decision').map((event) => event.type === 'guard.decision' && event.action)).toEqual(['allow', 'allow', 'block']);
  });

  it('guards a low-level Server whose handlers were set before and after wrapping', async () => {
    const server = new Server({ name: 'low', version: '1.0.0' }, { capabilities: { tools: {} } });
    const tools = [{ name: 'delete_file', inputSchema: { type: 'object' as const, properties: { file_id: { type: 'string' } }, required: ['file_id'] }, annotations: { destructiveHint: true } }];
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
    guardMcpServer(server);
    let deleted = 0;
    server.setRequestHandler(CallToolRequestSchema, async () => {
      deleted += 1;
      return { content: [{ type: 'text', text: 'deleted' }] };
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    const result = (await client.callTool({ name: 'delete_file', arguments: { file_id: 'f_123' } })) as CallToolResult;
    expect(refusalOf(result)?.flags[0]?.code).toBe('ENTITY_HALLUCINATION');
    expect(deleted).toBe(0);
  });
});
