import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/index.js';
import { ORDER_TOOLS } from './helpers.js';

async function guarded(options: Parameters<typeof createGuard>[0] = {}) {
  const guard = createGuard({ tools: ORDER_TOOLS, ...options });
  const errors: Error[] = [];
  guard.on('error', ({ error }) => errors.push(error));
  const session = await guard.startSession();
  await session.message('user', 'order ord_1001');
  return { guard, session, errors };
}

describe('contained failures: listeners', () => {
  it.each(['flag', 'decision'] as const)('a %s listener that throws never reaches the agent loop; it becomes an error event', async (event) => {
    const { guard, session, errors } = await guarded();
    guard.on(event, () => {
      throw new Error('listener bug');
    });
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    expect(decision.action).toBe('block');
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('listener bug')]);
  });

  it('a pause listener that throws does not stop the pause', async () => {
    const { guard, session, errors } = await guarded({ policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } });
    guard.on('pause', () => {
      throw new Error('pager down');
    });
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } })).proceed).toBe(false);
    expect(session.status).toBe('paused');
    expect(errors).toHaveLength(1);
  });

  it('a kill listener that throws does not undo the kill', async () => {
    const { guard, session } = await guarded();
    guard.on('kill', () => {
      throw new Error('bug');
    });
    expect(() => session.kill('operator')).not.toThrow();
    expect(session.status).toBe('killed');
  });

  it('the listeners after a throwing one still run', async () => {
    const { guard, session } = await guarded();
    const seen: string[] = [];
    guard.on('decision', () => {
      throw new Error('first');
    });
    guard.on('decision', ({ decision }) => seen.push(decision.action));
    await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(seen).toEqual(['allow']);
  });

  it('an async listener that rejects becomes an error event, not an unhandled rejection', async () => {
    const { guard, session, errors } = await guarded();
    guard.on('decision', async () => {
      throw new Error('async bug');
    });
    await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('async bug')]);
  });

  it('an error listener that throws is swallowed, and once-listeners still fire once', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS });
    guard.on('error', () => {
      throw new Error('error listener bug');
    });
    let once = 0;
    guard.once('decision', () => {
      once += 1;
      throw new Error('x');
    });
    const session = await guard.startSession();
    await session.beforeToolCall({ tool: 'search', arguments: { query: 'a' } });
    await session.beforeToolCall({ tool: 'search', arguments: { query: 'b' } });
    expect(once).toBe(1);
  });
});

describe('contained failures: resolvers must answer exactly true', () => {
  it.each([
    ['1', 1],
    ['"yes"', 'yes'],
    ['"true"', 'true'],
    ['an object', {}],
    ['null', null],
    ['undefined', undefined],
    ['a promise of 1', Promise.resolve(1)],
  ])('a resolver answering %s does not verify the entity', async (_, answer) => {
    const guard = createGuard({ tools: ORDER_TOOLS, resolvers: { customer_id: () => answer as never } });
    const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
    expect(session.startDecision.flags).toMatchObject([{ code: 'ENTITY_UNVERIFIED', evidence: { reason: 'invalid_answer' } }]);
    expect((await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } })).proceed).toBe(false);
  });

  it('benign: true verifies, false is not found', async () => {
    const yes = await createGuard({ resolvers: { customer_id: () => true } }).startSession({ entities: { customer_id: 'cust_789' } });
    expect(yes.startDecision.flags).toEqual([]);
    const no = await createGuard({ resolvers: { customer_id: async () => false } }).startSession({ entities: { customer_id: 'cust_789' } });
    expect(no.startDecision.flags).toMatchObject([{ evidence: { reason: 'not_found' } }]);
  });
});
