import { expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../../src/index.js';
import type { RedisSessionStore } from '../../../adapters/redis/index.js';
import { describeWithRedis, eventually, useSharedRedis } from '../../helpers/redis.js';

const TOOLS: ToolDefinition[] = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];
const NOTE = 'The customer wrote a long note about the parcel. '.repeat(20);

describeWithRedis("a session's log in Redis, bounded in bytes", () => {
  const redis = useSharedRedis();
  const logBytes = async (sessionId: string) => (await redis.client.lRange(redis.key(sessionId, 'log'), 0, -1)).reduce((sum, entry) => sum + Buffer.byteLength(entry), 0);
  const listed = async (store: RedisSessionStore, sessionId: string) => {
    await eventually(async () => (await store.listSessions()).some((summary) => summary.sessionId === sessionId));
    return (await store.listSessions()).find((summary) => summary.sessionId === sessionId)!;
  };

  it('keeps at most maxLogBytes, the newest entries, and counts what it dropped', async () => {
    const store = redis.store({ maxLogBytes: 4_000 });
    const guard = createGuard({ tools: TOOLS, store });
    const session = await guard.startSession({ sessionId: 'heavy', entities: { customer_id: 'cust_9' } });
    for (let index = 0; index < 12; index += 1) expect((await session.message('user', `order ord_${index}. ${NOTE}`)).flags).toEqual([]);
    const kept = await redis.client.lLen(redis.key('heavy', 'log'));
    expect(await logBytes('heavy')).toBeLessThanOrEqual(4_000);
    expect(kept).toBeGreaterThan(0);
    const seq = Number(await redis.client.hGet(redis.key('heavy', 'meta'), 'seq'));
    const summary = await listed(store, 'heavy');
    expect(summary.droppedLogEntries).toBe(seq - kept);
    expect(summary.droppedLogBytes).toBeGreaterThanOrEqual(summary.droppedLogEntries * NOTE.length);
    // The replica that wrote the session still holds all of it.
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_0' } })).action).toBe('allow');
    // One joining now rebuilds from the start and the entries kept: ids only in dropped entries are unknown to it.
    const joined = await createGuard({ tools: TOOLS, store: redis.store({ maxLogBytes: 4_000 }) }).startSession({ sessionId: 'heavy' });
    expect((await joined.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_11' } })).action).toBe('allow');
    expect((await joined.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1' } })).proceed).toBe(false);
    // An entry larger than the bound alone is kept, alone.
    await session.message('user', `order ord_50. ${'x'.repeat(10_000)}`);
    expect(await redis.client.lLen(redis.key('heavy', 'log'))).toBe(1);
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_50' } })).action).toBe('allow');
  }, 60_000);

  it('drops nothing under the default bound', async () => {
    const store = redis.store();
    const session = await createGuard({ tools: TOOLS, store }).startSession({ sessionId: 'light' });
    for (let index = 0; index < 12; index += 1) await session.message('user', `order ord_${index}. ${NOTE}`);
    expect(await redis.client.lLen(redis.key('light', 'log'))).toBe(Number(await redis.client.hGet(redis.key('light', 'meta'), 'seq')));
    expect(await listed(store, 'light')).toMatchObject({ droppedLogEntries: 0, droppedLogBytes: 0 });
  }, 60_000);
});
