import { expect, it } from 'vitest';
import { createGuard, type Decision, type ToolDefinition } from '../../../src/index.js';
import { SESSION_KEY_PARTS } from '../../../adapters/redis/session-keys.js';
import { describeWithRedis, useSharedRedis } from '../../helpers/redis.js';

const TOOLS: ToolDefinition[] = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];

const lostFlag = (decision: Pick<Decision, 'flags'>) => decision.flags.find((flag) => flag.code === 'GUARD_ERROR' && flag.evidence?.lost === true);

describeWithRedis('a session whose keys vanished under it', () => {
  const redis = useSharedRedis();
  /** What an eviction, a FLUSHDB or an expiry does to one session: every key of it gone at once. */
  const vanish = (sessionId: string) => redis.client.unlink(SESSION_KEY_PARTS.map((part) => redis.key(sessionId, part)));
  const guardOn = () => {
    const guard = createGuard({ tools: TOOLS, store: redis.store() });
    guard.on('error', () => undefined);
    return guard;
  };

  it('is refused with GUARD_ERROR (lost) in every replica that used it, not judged as a blank new session', async () => {
    const a = guardOn();
    const b = guardOn();
    const onA = await a.startSession({ sessionId: 'vanish', entities: { customer_id: 'cust_1' } });
    await onA.message('user', 'order ord_1');
    const onB = await b.startSession({ sessionId: 'vanish' });
    expect((await onB.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1' } })).action).toBe('allow');
    expect((await onA.beforeModelCall({ model: 'm', estimatedInputTokens: 5 })).proceed).toBe(true);

    expect(await vanish('vanish')).toBeGreaterThan(0);
    for (const replica of [onA, onB]) {
      const call = await replica.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1' } });
      expect(call).toMatchObject({ action: 'block', proceed: false });
      expect(call.flags.map((flag) => flag.code)).toEqual(['GUARD_ERROR']);
      expect(lostFlag(call)?.message).toMatch(/lost this session/);
      expect(call.refusal).toBeDefined();
      // It stays lost: a retry is not the way past it.
      expect(lostFlag(await replica.message('user', 'order ord_2'))).toBeDefined();
      expect(lostFlag(await replica.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2' } }))).toBeDefined();
      const admission = await replica.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
      expect(admission.proceed).toBe(false);
      expect(lostFlag(admission)).toBeDefined();
    }
    // Refused, nothing written: the lost session's keys are not brought back half-made.
    expect(await redis.client.exists(SESSION_KEY_PARTS.map((part) => redis.key('vanish', part)))).toBe(0);

    // A new process starting the same id starts a new session, cleanly; the old replicas stay refused.
    const again = await guardOn().startSession({ sessionId: 'vanish' });
    expect(again.startDecision.flags).toEqual([]);
    await again.message('user', 'order ord_3');
    expect((await again.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_3' } })).action).toBe('allow');
    expect(lostFlag(await onA.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_3' } }))).toBeDefined();
  }, 60_000);

  it('a fresh session id starts and runs cleanly beside it; a joining replica is never taken for a lost one', async () => {
    const guard = guardOn();
    const lost = await guard.startSession({ sessionId: 'gone' });
    await lost.message('user', 'order ord_5');
    await vanish('gone');
    expect(lostFlag(await lost.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_5' } }))).toBeDefined();
    // The same process may take the id up again once it has let the lost session go.
    guard.endSession('gone');
    const restarted = await guard.startSession({ sessionId: 'gone' });
    expect(restarted.startDecision.flags).toEqual([]);
    expect((await restarted.message('user', 'order ord_5')).flags).toEqual([]);
    expect((await restarted.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_5' } })).action).toBe('allow');
    const fresh = await guard.startSession({ sessionId: 'fresh' });
    expect(fresh.startDecision.flags).toEqual([]);
    expect((await fresh.message('user', 'order ord_6')).flags).toEqual([]);
    expect((await fresh.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_6' } })).action).toBe('allow');
    const admission = await fresh.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
    expect(admission.proceed).toBe(true);
    expect((await fresh.modelCall({ model: 'm', inputTokens: 3, reservationId: admission.reservationId })).flags).toEqual([]);
    // Replicas joining later, by a call or by an admission first, decide normally.
    const joined = await guardOn().startSession({ sessionId: 'fresh' });
    expect((await joined.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_6' } })).action).toBe('allow');
    const admitFirst = guardOn().openSession('fresh');
    expect((await admitFirst.beforeModelCall({ model: 'm', estimatedInputTokens: 5 })).proceed).toBe(true);
    expect((await admitFirst.message('user', 'and ord_7')).flags).toEqual([]);
    expect((await admitFirst.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_7' } })).flags).toEqual([]);
    expect((await fresh.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_7' } })).flags.map((flag) => flag.code)).not.toContain('GUARD_ERROR');
  }, 60_000);
});
