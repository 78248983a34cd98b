import { createGuard, type GuardOptions } from '../../src/index.js';
import type { ToolDefinition } from '../../src/trace/events.js';

export const ORDER_TOOLS: ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Fetch one order.',
    input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: false },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'list_orders',
    input_schema: { type: 'object', properties: { customer_id: { type: 'string' }, status: { type: 'string' } }, required: ['customer_id'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'refund_order',
    input_schema: {
      type: 'object',
      properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 }, reason: { type: 'string' } },
      required: ['order_id', 'amount'],
    },
    annotations: { destructiveHint: true },
  },
  {
    name: 'search',
    input_schema: { type: 'object', properties: { query: { type: 'string' }, page: { type: 'integer' }, date: { type: 'string' } }, required: ['query'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_status',
    input_schema: { type: 'object', properties: { job_id: { type: 'string' } }, required: ['job_id'] },
    annotations: { readOnlyHint: true },
  },
];

/** A started session over the order tools, with the customer's first message already in. */
export async function orderSession(options: GuardOptions & { entities?: Record<string, string | string[]>; userMessage?: string } = {}) {
  const { entities, userMessage, ...guardOptions } = options;
  const guard = createGuard({ tools: ORDER_TOOLS, ...guardOptions });
  const session = await guard.startSession({ sessionId: 's-test', goal: 'Help the customer with their order', ...(entities ? { entities } : {}) });
  await session.message('user', userMessage ?? 'Hi, I am cust_789. Where is my order ord_1001?');
  return { guard, session };
}

export function codes(decision: { flags: Array<{ code: string }> }): string[] {
  return decision.flags.map((flag) => flag.code);
}
