/**
 * Heap per session, measured in this process (run with --expose-gc): idle sessions, and typical ones
 * (one entity, a user message, 3 model calls, 3 tool calls with small results). Prints JSON.
 */
import { createGuard, type GuardSession } from '../src/index.js';

const TOOLS = [
  { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } },
  { name: 'list_orders', input_schema: { type: 'object', properties: { customer_id: { type: 'string' } }, required: ['customer_id'] }, annotations: { readOnlyHint: true } },
];

export async function typicalSession(session: GuardSession, index: number): Promise<void> {
  await session.message('user', `Hi, I am cust_${index}. Where is my order ord_${index}? It was supposed to arrive yesterday.`);
  for (let call = 0; call < 3; call += 1) {
    const tool = call === 0 ? 'list_orders' : 'get_order';
    const args = call === 0 ? { customer_id: `cust_${index}` } : { order_id: `ord_${index}` };
    await session.modelCall({ model: 'gpt-4o', inputTokens: 800 + call * 150, outputTokens: 40, finishReasons: ['tool_calls'], toolCalls: [{ id: `c${call}`, name: tool, arguments: args }] });
    await session.beforeToolCall({ callId: `c${call}`, tool, arguments: args });
    await session.afterToolCall({ callId: `c${call}`, tool, result: { order_id: `ord_${index}`, customer_id: `cust_${index}`, status: 'shipped', total: '$42.10' } });
  }
  await session.modelCall({ model: 'gpt-4o', inputTokens: 1_300, outputTokens: 30, finishReasons: ['stop'], text: `Your order ord_${index} shipped.` });
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function sessionBytes(kind: 'idle' | 'typical', count = 2_000): Promise<number> {
  const guard = createGuard({ tools: TOOLS, policy: { limits: { maxSessions: 1_000_000 } } });
  for (let index = 0; index < 200; index += 1) {
    const warm = await guard.startSession({ sessionId: `warm${index}`, entities: { customer_id: `cust_${index}` } });
    await typicalSession(warm, index);
    guard.endSession(warm.id);
  }
  // The injection rules' expressions are compiled to machine code in the turns after the first guard is
  // made (about 2 MB, once per process, shared by every guard; the small results above never need them).
  // Without these turns that compile lands in whichever measurement first yields to the event loop:
  // +1 KB a session, on some runs.
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  const kept: GuardSession[] = [];
  const before = heap();
  for (let index = 0; index < count; index += 1) {
    const session = await guard.startSession({ sessionId: `s${index}`, ...(kind === 'typical' ? { entities: { customer_id: `cust_${index}` } } : {}) });
    if (kind === 'typical') await typicalSession(session, index);
    kept.push(session);
  }
  const bytes = (heap() - before) / count;
  if (kept.length !== count) throw new Error('sessions lost');
  return bytes;
}

if (process.argv[1]?.endsWith('session-memory.js')) {
  const idle = await sessionBytes('idle');
  const typical = await sessionBytes('typical');
  process.stdout.write(`${JSON.stringify({ idle, typical })}\n`);
}
