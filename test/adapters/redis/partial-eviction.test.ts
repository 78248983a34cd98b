import { expect, it } from 'vitest';
import { createGuard, type Decision, type EscalationAnswer, type GuardSession } from '../../../src/index.js';
import type { RedisStoreOptions } from '../../../adapters/redis/index.js';
import type { SessionKeyPart } from '../../../adapters/redis/session-keys.js';
import { describeWithRedis, eventually, REDIS_URL, useSharedRedis } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';
import { ORDER_TOOLS } from '../../helpers/guard.js';

const lostFlag = (decision: Pick<Decision, 'flags'>) => decision.flags.find((flag) => flag.code === 'GUARD_ERROR' && flag.evidence?.lost === true);
const ORDER_1 = { tool: 'get_order', arguments: { order_id: 'ord_1' } };

/** Refused as lost, not decided on what is left of the session. */
function expectLost(decision: Decision): void {
  expect(decision.proceed).toBe(false);
  expect(decision.flags.map((flag) => flag.code)).toEqual(['GUARD_ERROR']);
  expect(lostFlag(decision)?.message).toMatch(/lost this session/);
}

describeWithRedis('a session some of whose keys were evicted or deleted, its meta kept', () => {
  const redis = useSharedRedis();
  const guardOn = (options: RedisStoreOptions = {}, escalate?: () => Promise<EscalationAnswer>) => {
    const guard = createGuard({ tools: ORDER_TOOLS, store: redis.store(options), policy: { actions: { ENTITY_HALLUCINATION: 'pause' } }, ...(escalate ? { escalate } : {}) });
    guard.on('error', () => undefined);
    return guard;
  };
  /** What `allkeys-lru` does to one key of a session: DEL, the session's other keys untouched. */
  const evict = async (sessionId: string, part: SessionKeyPart) => expect(await redis.client.del(redis.key(sessionId, part))).toBe(1);

  /** A session with an entry in each of its keys but the questions: a log, a start and a reservation not yet reconciled. */
  const liveSession = async (sessionId: string) => {
    const a = await guardOn().startSession({ sessionId, entities: { customer_id: 'cust_1' } });
    await a.message('user', 'order ord_1');
    const b = await guardOn().startSession({ sessionId });
    expect((await b.beforeToolCall(ORDER_1)).action).toBe('allow');
    expect((await a.beforeModelCall({ model: 'm', estimatedInputTokens: 5 })).proceed).toBe(true);
    return [a, b] as const;
  };

  it.each(['log', 'start', 'resv', 'resv-amounts'] as const)('without its %s key, every replica refuses it as lost: current ones and one joining', async (part) => {
    const sessionId = `without-${part}`;
    const replicas: GuardSession[] = [...(await liveSession(sessionId))];
    await evict(sessionId, part);
    for (const replica of replicas) {
      expectLost(await replica.beforeToolCall(ORDER_1));
      const admission = await replica.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
      expect(admission.proceed).toBe(false);
      expect(lostFlag(admission)).toBeDefined();
    }
    const joining = await guardOn().startSession({ sessionId });
    expect(lostFlag(joining.startDecision)).toBeDefined();
    expectLost(await joining.beforeToolCall(ORDER_1));
    expectLost(await joining.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } }));
    // It stays lost: later decisions do not record what is left as the session.
    expectLost(await replicas[0]!.message('user', 'order ord_2'));
    expectLost(await guardOn().openSession(sessionId).beforeToolCall(ORDER_1));
  }, 60_000);

  it('without its meta, the keys left make it lost to a joining replica too, not a new session on old leftovers', async () => {
    const [a] = await liveSession('without-meta');
    // Killed: a joining replica taking the id for a new session would undo the kill.
    a.kill('runaway');
    await redis.untilStatus('without-meta', 'killed');
    await evict('without-meta', 'meta');
    expectLost(await a.beforeToolCall(ORDER_1));
    const joining = await guardOn().startSession({ sessionId: 'without-meta' });
    expectLost(await joining.beforeToolCall(ORDER_1));
    expect(await redis.client.exists(redis.key('without-meta', 'meta'))).toBe(0);
  }, 60_000);

  it('without its open questions, a session waiting on a human stays held: refused as lost, not let through', async () => {
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    let answer!: (value: EscalationAnswer) => void;
    const waiting = new Promise<EscalationAnswer>((resolve) => (answer = resolve));
    const a = await guardOn({}, () => (asked(), waiting)).startSession({ sessionId: 'without-questions', entities: { customer_id: 'cust_1' } });
    await a.message('user', 'order ord_1');
    const b = await guardOn().startSession({ sessionId: 'without-questions' });
    const held = a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    await wasAsked;
    const other = await b.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } });
    expect(other).toMatchObject({ proceed: false, flags: [{ code: 'SESSION_PAUSED', evidence: { escalating: true } }] });

    await evict('without-questions', 'questions');
    expectLost(await b.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } }));
    expect((await b.beforeModelCall({ model: 'm', estimatedInputTokens: 5 })).proceed).toBe(false);
    expectLost(await guardOn().openSession('without-questions').beforeToolCall({ tool: 'search', arguments: { query: 'anything' } }));
    answer('approve');
    await held;
    expectLost(await a.beforeToolCall(ORDER_1));
  }, 60_000);

  it('an operator sees it marked in the listing, can still kill it, and is told some of its keys are missing', async () => {
    const store = redis.store({ prefix: `${redis.prefix}operated:` });
    const operated = await createGuard({ tools: ORDER_TOOLS, store }).startSession({ sessionId: 'operated' });
    await operated.message('user', 'order ord_1');
    await createGuard({ tools: ORDER_TOOLS, store }).startSession({ sessionId: 'whole' });
    const listed = async () => Object.fromEntries((await store.listSessions()).map((summary) => [summary.sessionId, summary]));
    await eventually(async () => Object.keys(await listed()).length === 2);
    expect(Object.values(await listed()).filter((summary) => summary.lost)).toEqual([]);
    expect(await store.kill('operated')).not.toHaveProperty('lost');
    expect(await redis.client.del(`${store.prefix}{operated}:log`)).toBe(1);
    const after = await listed();
    expect(after.operated).toMatchObject({ status: 'killed', lost: true });
    expect(after.whole).not.toHaveProperty('lost');
    const table = warden('sessions', '--redis', REDIS_URL, '--prefix', store.prefix);
    expect(table.stdout).toMatch(/operated\s+killed \(lost: keys missing\)/);
    expect(table.stdout).toMatch(/whole\s+active\s/);
    expect(await store.kill('operated', 'evicted')).toEqual({ found: true, status: 'killed', previous: 'killed', lost: true });
    expect(await store.resume('operated')).toMatchObject({ found: true, status: 'killed', lost: true });
    const cli = warden('pause', 'operated', '--redis', REDIS_URL, '--prefix', store.prefix);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('operated: killed -> killed (unchanged) (some of its keys are missing');
  }, 60_000);

  it('is not taken for lost by trimming (maxLogEvents, maxLogBytes), reservations expiring, TTL refreshes or an older session without the record', async () => {
    // Two stores with different TTLs refresh the keys' expiry in turn; reservations expire at once and are purged by the next script.
    const bounded = { maxLogEvents: 4, maxLogBytes: 600, reservationTtlMs: 1 };
    const a = await guardOn({ ...bounded, ttlMs: 300_000 }).startSession({ sessionId: 'trimmed', entities: { customer_id: 'cust_1' } });
    const b = await guardOn({ ...bounded, ttlMs: 600_000 }).startSession({ sessionId: 'trimmed' });
    for (let index = 0; index < 12; index += 1) {
      const [writer, other] = index % 2 === 0 ? [a, b] : [b, a];
      expect((await writer.message('user', `order ord_${index}. ${'a long note. '.repeat(index % 3 === 0 ? 30 : 1)}`)).flags).toEqual([]);
      expect((await other.beforeToolCall({ tool: 'get_order', arguments: { order_id: `ord_${index}` } })).action).toBe('allow');
      const admission = await writer.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
      expect(admission.proceed).toBe(true);
      // Every other admission is left to expire instead of being reconciled.
      if (index % 2 === 0) expect((await writer.modelCall({ model: 'm', inputTokens: 3, reservationId: admission.reservationId })).flags).toEqual([]);
    }
    const meta = await redis.client.hGetAll(redis.key('trimmed', 'meta'));
    expect(Number(meta.droppedEntries)).toBeGreaterThan(0);
    expect(await redis.client.lLen(redis.key('trimmed', 'log'))).toBeLessThanOrEqual(4);
    // A replica joining after the trimming rebuilds from the start and the entries kept, as before.
    const joining = await guardOn(bounded).startSession({ sessionId: 'trimmed' });
    expect(joining.startDecision.flags).toEqual([]);
    expect((await joining.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_11' } })).action).toBe('allow');

    // A session written before the record existed is taken as whole, and recorded at its next write.
    await redis.client.hDel(redis.key('trimmed', 'meta'), 'parts');
    expect((await a.message('user', 'order ord_20')).flags).toEqual([]);
    expect(await redis.client.hGet(redis.key('trimmed', 'meta'), 'parts')).toMatch(/^\d+:\d+:\d+:\d+:\d+$/);
    expect((await b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_20' } })).action).toBe('allow');
  }, 60_000);
});
