import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createGuard, type TraceEvent } from '../../src/index.js';
import { replayTrace } from '../../src/forensics/index.js';
import { codes } from '../helpers/guard.js';

const getOrder = {
  name: 'get_order',
  input_schema: { type: 'object', properties: { order_id: { type: 'string', pattern: '^ord_[0-9]+$' } }, required: ['order_id'] },
  annotations: { readOnlyHint: true },
};

/** The playbook's headline incident without any bad tool call: the model just says the invented id. */
const TEXT_ONLY_INCIDENT: TraceEvent[] = [
  { session_id: 'text-only', step: 0, type: 'session.start', entities: { customer_id: 'cust_789' } },
  { session_id: 'text-only', step: 1, type: 'tool.definitions', tools: [getOrder] },
  { session_id: 'text-only', step: 2, type: 'message', role: 'user', content: 'Hi, this is cust_789. Has my last order shipped?' },
  { session_id: 'text-only', step: 3, type: 'llm.call', model: 'gpt-4o', finish_reasons: ['stop'], output: { text: 'Yes! Your order ord_555 shipped yesterday.' } },
  { session_id: 'text-only', step: 4, type: 'message', role: 'assistant', content: 'Yes! Your order ord_555 shipped yesterday.' },
  { session_id: 'text-only', step: 5, type: 'session.end', status: 'completed', output: 'Yes! Your order ord_555 shipped yesterday.' },
];

describe('entity ids in model text', () => {
  it('flags the text-only incident at the step where the invented id is first said', async () => {
    const flagged: Array<[number, string[]]> = [];
    await replayTrace(Readable.from(TEXT_ONLY_INCIDENT.map((event) => `${JSON.stringify(event)}\n`)), {}, {
      onEvent: (event, decision) => decision.flags.length > 0 && flagged.push([event.step, codes(decision)]),
    });
    expect(flagged).toEqual([[3, ['ENTITY_HALLUCINATION']]]);
  });

  it('reads a percent-encoded id in a link the model writes as the browser will (ord%5F43 is ord_43)', async () => {
    const session = await createGuard({ tools: [getOrder] }).startSession();
    await session.message('user', 'Where is my order ord_42?');
    expect(codes(await session.modelCall({ model: 'm', text: 'Track it at https://shop.test/orders/ord%5F43 (50% off next time).' }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await session.modelCall({ model: 'm', text: 'Track it at https://shop.test/orders/ord%5F42 (50% off next time).' }))).toEqual([]);
  });

  it('warns on intermediate outputs and blocks a final answer, with the id and the shape as evidence', async () => {
    const session = await createGuard({ tools: [getOrder] }).startSession();
    await session.message('user', 'Where is my order?');
    const thinking = await session.modelCall({ model: 'm', text: 'Let me check ord_42.', toolCalls: [{ id: 'c1', name: 'get_order', arguments: { order_id: 'ord_42' } }] });
    expect(thinking.action).toBe('warn');
    expect(thinking.flags[0]!.evidence).toMatchObject({ id: 'ord_42', shape: 'ord_[0-9]+', final: false });
    const answer = await session.modelCall({ model: 'm', text: 'Your order ord_43 has shipped.' });
    expect(answer).toMatchObject({ action: 'block', proceed: false });
  });

  it('learns shapes from ids tools return, with no configuration', async () => {
    const tools = [{ name: 'list_orders', input_schema: { type: 'object' } }];
    const session = await createGuard({ tools }).startSession();
    await session.message('user', 'What are my orders?');
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: {} });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: { orders: [{ order_id: '#W2378156', total: 42.1 }] } });
    expect((await session.modelCall({ model: 'm', text: 'You have one order, #W2378156, total $42.10.' })).flags).toEqual([]);
    expect(codes(await session.modelCall({ model: 'm', text: 'Also #W9999999 from last year.' }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('does not flag a clean session that repeats given ids and quotes amounts, dates, phones, flights and totals', async () => {
    const tools = [getOrder, { name: 'search_flights', input_schema: { type: 'object' } }];
    const session = await createGuard({ tools }).startSession({ entities: { customer_id: 'cust_789' } });
    await session.message('user', 'I am cust_789, order ord_1001. Call me at 555-123-4567.');
    await session.beforeToolCall({ callId: 'c1', tool: 'search_flights', arguments: { from: 'JFK', to: 'SEA' } });
    await session.afterToolCall({ callId: 'c1', tool: 'search_flights', result: [{ flight_number: 'HAT030', date: '2024-05-20', price: 125 }] });
    const text =
      'Order ord_1001 for cust_789: total $1,234.56 (incl. 8.875% tax), placed on 2024-05-20 at 10:30. ' +
      "Flight HAT030 departs May 20, 2024 for $125. We'll call 555-123-4567 or +1 (800) 555-0199. Thank you!";
    expect((await session.modelCall({ model: 'm', text })).flags).toEqual([]);
    expect((await session.message('assistant', text)).flags).toEqual([]);
  });

  it('does not count an id the model said earlier as a source, and lets the policy choose actions', async () => {
    const session = await createGuard({ tools: [getOrder], policy: { modelText: { final: 'warn' } } }).startSession();
    await session.message('user', 'Hello');
    expect((await session.modelCall({ model: 'm', text: 'Order ord_7 is ready.' })).action).toBe('warn');
    expect(codes(await session.modelCall({ model: 'm', text: 'As I said, ord_7 is ready.' }))).toEqual(['ENTITY_HALLUCINATION']);
  });
});
