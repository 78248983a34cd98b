import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolDefinition, TraceEvent } from '../../src/trace/events.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-traces-'));
let files = 0;

/** Builds one session's trace: steps are numbered in order, `session_id` filled in. */
export function session(id: string, events: Array<Record<string, unknown>>): TraceEvent[] {
  return events.map((event, step) => ({ session_id: id, step, ...event }) as TraceEvent);
}

export function writeTrace(events: readonly TraceEvent[] | string): string {
  const path = join(dir, `trace-${++files}.jsonl`);
  writeFileSync(path, typeof events === 'string' ? events : events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  return path;
}

export const SHOP_TOOLS: ToolDefinition[] = [
  { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: false }, annotations: { readOnlyHint: true } },
  { name: 'list_orders', input_schema: { type: 'object', properties: { customer_id: { type: 'string' } }, required: ['customer_id'] }, annotations: { readOnlyHint: true } },
  { name: 'refund_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } }, required: ['order_id', 'amount'] }, annotations: { destructiveHint: true } },
  { name: 'send_email', input_schema: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] } },
  { name: 'search_docs', input_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, annotations: { readOnlyHint: true } },
];

export const start = (entities: Record<string, string> = { customer_id: 'cust_789' }, goal = "Answer the customer's question about their order") => ({ type: 'session.start', goal, entities });
export const tools = (definitions: ToolDefinition[] = SHOP_TOOLS) => ({ type: 'tool.definitions', tools: definitions });
export const user = (content: string) => ({ type: 'message', role: 'user', content });
export const model = (output: { text?: string; tool_calls?: Array<{ id: string; name: string; arguments: unknown }> }, extra: Record<string, unknown> = {}) => ({
  type: 'llm.call',
  model: 'gpt-4o',
  input_tokens: 600,
  output_tokens: 40,
  finish_reasons: [output.tool_calls ? 'tool_calls' : 'stop'],
  output,
  ...extra,
});
export const call = (id: string, tool: string, args: unknown) => ({ type: 'tool.call', call_id: id, tool, arguments: args });
export const result = (id: string, tool: string, value: unknown) => ({ type: 'tool.result', call_id: id, tool, result: value });
export const end = (output: string, status = 'completed') => ({ type: 'session.end', status, output });

const minutesAfter = (ts: string, minutes: number) => new Date(Date.parse(ts) + minutes * 60_000).toISOString();

/**
 * A clean `support-chat` session started at `ts`: the customer's order looked up and answered two
 * minutes later. `inputTokens` sets both model calls' input (a costlier session for baselines).
 */
export function cleanOrderChat(id: string, ts: string, inputTokens = 600): TraceEvent[] {
  return session(id, [
    { type: 'session.start', session_type: 'support-chat', entities: { customer_id: 'cust_789' }, ts },
    tools(),
    user('Hi, I am cust_789. Where is my order ord_1001?'),
    model({ tool_calls: [{ id: 'c1', name: 'get_order', arguments: { order_id: 'ord_1001' } }] }, { input_tokens: inputTokens }),
    call('c1', 'get_order', { order_id: 'ord_1001' }),
    result('c1', 'get_order', { order_id: 'ord_1001', customer_id: 'cust_789', status: 'shipped' }),
    model({ text: 'Your order ord_1001 shipped.' }, { input_tokens: inputTokens, ts: minutesAfter(ts, 2) }),
    end('Your order ord_1001 shipped.'),
  ]);
}

/** A `support-chat` session started at `ts` where the model invents an order id and refunds it: an irreversible action after the origin. */
export function inventedRefundChat(id: string, ts: string): TraceEvent[] {
  return session(id, [
    { type: 'session.start', session_type: 'support-chat', entities: { customer_id: 'cust_789' }, ts },
    tools(),
    user('Refund my broken blender, I am cust_789.'),
    model({ tool_calls: [{ id: 'r1', name: 'refund_order', arguments: { order_id: 'ord_4242', amount: 89 } }] }),
    call('r1', 'refund_order', { order_id: 'ord_4242', amount: 89 }),
    result('r1', 'refund_order', { refunded: true }),
    end('Refunded ord_4242.'),
  ]);
}
