import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGuard, type GuardSession, type ToolDefinition } from '../../../src/index.js';
import type { RedisCommands, RedisSessionStore } from '../../../adapters/redis/index.js';
import { clientForThisTest, describeWithRedis, useSharedRedis } from '../../helpers/redis.js';

const TOOLS: ToolDefinition[] = [
  { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } },
  { name: 'cancel_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' }, reason: { type: 'string' } }, required: ['order_id'] }, annotations: { destructiveHint: true } },
];
const POLICY = { budget: { maxTokens: 3_000 }, loop: { maxRepeats: 3 } };
const ORDERS = ['ord_101', 'ord_202', 'ord_303', 'ord_404'];

/** One thing an agent loop does, replayable on any session. */
type Op =
  | { kind: 'user'; order: string }
  | { kind: 'call'; tool: string; order: string }
  | { kind: 'result'; order: string; related: string }
  | { kind: 'model'; tokens: number }
  | { kind: 'context'; order: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('user' as const), order: fc.constantFrom(...ORDERS) }),
  fc.record({ kind: fc.constant('call' as const), tool: fc.constantFrom('get_order', 'cancel_order'), order: fc.constantFrom(...ORDERS) }),
  fc.record({ kind: fc.constant('result' as const), order: fc.constantFrom(...ORDERS), related: fc.constantFrom(...ORDERS) }),
  fc.record({ kind: fc.constant('model' as const), tokens: fc.integer({ min: 0, max: 900 }) }),
  fc.record({ kind: fc.constant('context' as const), order: fc.constantFrom(...ORDERS) }),
);

async function run(session: GuardSession, step: Op, index: number) {
  switch (step.kind) {
    case 'user':
      return session.message('user', `Please look at ${step.order}.`);
    case 'call':
      return session.beforeToolCall({ tool: step.tool, callId: `c${index}`, arguments: { order_id: step.order } });
    case 'result':
      return session.afterToolCall({ tool: 'get_order', callId: `c${index - 1}`, result: { order_id: step.order, see_also: step.related } });
    case 'model':
      return session.modelCall({ model: 'm', inputTokens: step.tokens, outputTokens: 10 });
    case 'context':
      return session.contextAdd('retrieval', `A note mentions ${step.order}.`);
  }
}

describeWithRedis('shared sessions decide as one process does', () => {
  const redis = useSharedRedis();
  const stores: RedisSessionStore[] = [];
  beforeAll(() => void stores.push(redis.store(), redis.store()));

  it('any sequence of events, spread over two replicas, gets the decisions one memory session gives', async () => {
    let run_ = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 14 }), async (steps) => {
        const sessionId = `prop-${run_++}`;
        const memory = await createGuard({ tools: TOOLS, policy: POLICY }).startSession({ sessionId, entities: { customer_id: 'cust_1' } });
        const replicas = await Promise.all(stores.map((store) => createGuard({ tools: TOOLS, policy: POLICY, store }).startSession({ sessionId, entities: { customer_id: 'cust_1' } })));
        for (const [index, [step, onSecond]] of steps.entries()) {
          const expected = await run(memory, step, index);
          const shared = await run(replicas[onSecond ? 1 : 0]!, step, index);
          expect({ index, action: shared.action, proceed: shared.proceed, codes: shared.flags.map((flag) => flag.code) }).toEqual({ index, action: expected.action, proceed: expected.proceed, codes: expected.flags.map((flag) => flag.code) });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('a replica that is current decides with exactly one round trip to Redis', async () => {
    const raw = await clientForThisTest();
    let commands = 0;
    const counting = new Proxy(raw, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'evalSha' || name === 'eval') commands += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as unknown as RedisCommands;
    const session = await createGuard({ tools: TOOLS, store: redis.store({ client: counting }) }).startSession({ sessionId: 'round-trips' });
    await session.message('user', 'order ord_101');
    commands = 0;
    await session.beforeToolCall({ tool: 'get_order', callId: 'r1', arguments: { order_id: 'ord_101' } });
    expect(commands).toBe(1);
    await session.afterToolCall({ tool: 'get_order', callId: 'r1', result: { status: 'shipped' } });
    expect(commands).toBe(2);
    const admission = await session.beforeModelCall({ model: 'm', estimatedInputTokens: 10 });
    await session.modelCall({ model: 'm', inputTokens: 8, reservationId: admission.reservationId });
    expect(commands).toBe(4);
  }, 30_000);
});
