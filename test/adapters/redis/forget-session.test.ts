import { expect, it } from 'vitest';
import { createGuard, type Decision } from '../../../src/index.js';
import { SESSION_KEY_PARTS } from '../../../adapters/redis/session-keys.js';
import { describeWithRedis, eventually, REDIS_URL, useSharedRedis } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';
import { ORDER_TOOLS } from '../../helpers/guard.js';

const lostFlag = (decision: Pick<Decision, 'flags'>) => decision.flags.find((flag) => flag.code === 'GUARD_ERROR' && flag.evidence?.lost === true);
const ORDER_1 = { tool: 'get_order', arguments: { order_id: 'ord_1' } };

describeWithRedis('forgetting a lost session so its id can start afresh', () => {
  const redis = useSharedRedis();
  const guardOn = () => {
    const guard = createGuard({ tools: ORDER_TOOLS, store: redis.store() });
    guard.on('error', () => undefined);
    return guard;
  };
  const keysLeft = async (sessionId: string) => redis.client.exists(SESSION_KEY_PARTS.map((part) => redis.key(sessionId, part)));
  /** A session two replicas use, then one of its keys evicted (meta kept): lost to every process. */
  const lostSession = async (sessionId: string) => {
    const a = await guardOn().startSession({ sessionId, entities: { customer_id: 'cust_1' } });
    await a.message('user', 'order ord_1');
    const b = await guardOn().startSession({ sessionId });
    expect((await b.beforeToolCall(ORDER_1)).action).toBe('allow');
    expect(await redis.client.del(redis.key(sessionId, 'log'))).toBe(1);
    expect(lostFlag(await guardOn().startSession({ sessionId }).then((joining) => joining.beforeToolCall(ORDER_1)))).toBeDefined();
    return [a, b] as const;
  };

  it('deletes a lost session\'s keys: a process starting the id starts a new session, the old replicas stay refused', async () => {
    const [a, b] = await lostSession('stuck');
    const store = redis.store();
    expect(await store.forget('stuck')).toEqual({ found: true, forgotten: true, status: 'active', lost: true });
    expect(await keysLeft('stuck')).toBe(0);
    expect((await store.listSessions()).map((summary) => summary.sessionId)).not.toContain('stuck');

    const fresh = await guardOn().startSession({ sessionId: 'stuck', entities: { customer_id: 'cust_1' } });
    expect(fresh.startDecision.flags).toEqual([]);
    await fresh.message('user', 'order ord_2');
    expect((await fresh.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2' } })).action).toBe('allow');
    // A new session: nothing of the old one (ord_1 came from its user) vouches in it.
    expect((await fresh.beforeToolCall(ORDER_1)).flags.map((flag) => flag.code)).toContain('ENTITY_HALLUCINATION');
    // The replicas of the forgotten session know its incarnation, which is gone: refused, never joined to the new one.
    for (const replica of [a, b]) expect(lostFlag(await replica.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2' } }))).toBeDefined();
    await eventually(async () => (await store.listSessions()).some((summary) => summary.sessionId === 'stuck' && summary.lost === undefined));
  }, 60_000);

  it('keeps a whole session and a killed one unless forced, and says an unknown id is not there', async () => {
    const store = redis.store();
    const whole = await guardOn().startSession({ sessionId: 'healthy', entities: { customer_id: 'cust_1' } });
    await whole.message('user', 'order ord_1');
    expect(await store.forget('healthy')).toEqual({ found: true, forgotten: false, status: 'active' });
    expect(await keysLeft('healthy')).toBeGreaterThan(0);
    expect((await whole.beforeToolCall(ORDER_1)).action).toBe('allow');

    const [killed] = await lostSession('killed-lost');
    expect(await store.kill('killed-lost', 'runaway')).toMatchObject({ status: 'killed', lost: true });
    expect(await store.forget('killed-lost')).toEqual({ found: true, forgotten: false, status: 'killed', lost: true });
    expect(await keysLeft('killed-lost')).toBeGreaterThan(0);
    expect(lostFlag(await killed.beforeToolCall(ORDER_1))).toBeDefined();

    expect(await store.forget('healthy', { force: true })).toEqual({ found: true, forgotten: true, status: 'active' });
    expect(await keysLeft('healthy')).toBe(0);
    expect(lostFlag(await whole.beforeToolCall(ORDER_1))).toBeDefined();
    expect(await store.forget('never-was')).toEqual({ found: false, forgotten: false });
  }, 60_000);

  it('warden forget: forgets a lost session (0), refuses a whole one without --force (1), and an unknown id is 1', async () => {
    await lostSession('cli-lost');
    const whole = await guardOn().startSession({ sessionId: 'cli-whole' });
    await whole.message('user', 'order ord_1');
    const args = ['--redis', REDIS_URL, '--prefix', redis.prefix];

    const kept = warden('forget', 'cli-whole', ...args);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toMatch(/cli-whole \(active\) was kept: it is whole.*--force forgets it anyway/);
    expect(await keysLeft('cli-whole')).toBeGreaterThan(0);

    const forgotten = warden('forget', 'cli-lost', ...args);
    expect(forgotten.code).toBe(0);
    expect(forgotten.stdout).toBe('cli-lost (active, lost: keys missing): forgotten; the id starts a new session in any process that starts it now\n');
    expect(await keysLeft('cli-lost')).toBe(0);

    expect(warden('forget', 'cli-whole', '--force', ...args).code).toBe(0);
    expect(await keysLeft('cli-whole')).toBe(0);
    const unknown = warden('forget', 'cli-lost', ...args);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no session cli-lost under prefix/);
    expect(warden('forget', ...args).code).toBe(2);
  }, 90_000);
});
