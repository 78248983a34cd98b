import { expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../../src/index.js';
import type { RedisCommands } from '../../../adapters/redis/index.js';
import { clientForThisTest, describeWithRedis, eventually, ownRedisServer, storeForThisTest, uniquePrefix } from '../../helpers/redis.js';

const TOOLS: ToolDefinition[] = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];
const ORDER_12 = { tool: 'get_order', arguments: { order_id: 'ord_12' } };

describeWithRedis('a client of your own whose connection stops answering', () => {
  it('fails decisions and operations closed, reports the stall once, and never closes or reopens the client', async () => {
    // A server of this test's own: DEBUG SLEEP holds it, and the shared one must not be held.
    const server = await ownRedisServer(['--enable-debug-command', 'yes']);
    const client = await clientForThisTest(server.url);
    const reported: Error[] = [];
    const store = storeForThisTest({ client: client as unknown as RedisCommands, prefix: uniquePrefix(), timeoutMs: 500, onError: (error) => reported.push(error) });
    const guard = createGuard({ tools: TOOLS, store });
    guard.on('error', () => undefined);
    const session = await guard.startSession({ sessionId: 'own-client' });
    expect((await session.message('user', 'order ord_12')).flags).toEqual([]);
    expect((await session.beforeToolCall(ORDER_12)).action).toBe('allow');

    /** A command that holds the connection: every command sent on it after this one waits behind it. */
    const hold = () => client.sendCommand(['DEBUG', 'SLEEP', '8']);
    const held = hold();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const decision = await session.beforeToolCall(ORDER_12);
      expect(decision).toMatchObject({ action: 'block', proceed: false });
      expect(decision.flags.map((flag) => flag.code)).toEqual(['GUARD_ERROR']);
    }
    // An operation is bounded too, not left waiting behind the connection.
    await expect(store.listSessions()).rejects.toThrow(/did not answer within 500 ms/);
    expect(reported.map((error) => error.message)).toEqual([expect.stringMatching(/on the client you gave the store; the store does not close or reopen a client it does not own/)]);
    expect(client.isOpen).toBe(true);

    // Answered again: decisions are made normally, on the same connection.
    expect(await held).toBe('OK');
    await eventually(async () => (await session.beforeToolCall(ORDER_12)).action === 'allow');
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_99' } })).flags.map((flag) => flag.code)).toContain('ENTITY_HALLUCINATION');

    // A stall after the first has ended is reported again.
    const heldAgain = hold();
    expect((await session.beforeToolCall(ORDER_12)).proceed).toBe(false);
    expect(reported).toHaveLength(2);
    expect(await heldAgain).toBe('OK');

    await store.close();
    expect(client.isOpen).toBe(true);
    expect(await client.ping()).toBe('PONG');
  }, 120_000);
});
