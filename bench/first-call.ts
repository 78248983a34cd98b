/**
 * The first guarded calls of a fresh process (run as a child of `npm run bench`, once per process): what
 * an agent's first tool call pays for what is compiled on first use (the injection rules' expressions,
 * JIT), measured with no turn of the event loop between `createGuard` and the call, and after three
 * turns (an agent awaits its model before its first tool call).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGuard } from '../src/index.js';

const turns = Number(process.argv[2] ?? 0);
let started = performance.now();
const guard = createGuard({ tools: [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } } }] });
const create = performance.now() - started;
const session = await guard.startSession();
await session.message('user', 'Where is order ord_1001?');
for (let turn = 0; turn < turns; turn += 1) await nextTurn();
const calls: number[] = [];
for (let index = 0; index < 2; index += 1) {
  started = performance.now();
  await session.beforeToolCall({ callId: `c${index}`, tool: 'get_order', arguments: { order_id: 'ord_1001' } });
  await session.afterToolCall({ callId: `c${index}`, tool: 'get_order', result: { order_id: 'ord_1001', status: 'shipped', note: 'Delivered to the front desk; the customer signed for it.' } });
  calls.push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify({ create, first: calls[0], second: calls[1] })}\n`);
