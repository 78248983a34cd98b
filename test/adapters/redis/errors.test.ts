import { expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../../src/index.js';
import { clientForThisTest, describeWithRedis, ownRedisServer, REDIS_URL, storeForThisTest, uniquePrefix, useSharedRedis } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';

const TOOLS: ToolDefinition[] = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];
const PASSWORD = 'pw-7f3a-never-shown';

describeWithRedis('errors from Redis', () => {
  const redis = useSharedRedis();

  it("keep Redis's own error as their cause, and name the operation and the key prefix", async () => {
    const guard = createGuard({ tools: TOOLS, store: redis.store() });
    const errors: Error[] = [];
    guard.on('error', ({ error }) => errors.push(error));
    // A foreign value where the session's meta hash belongs: Redis refuses the script (WRONGTYPE).
    await redis.client.set(redis.key('foreign', 'meta'), 'not a hash');
    const session = guard.openSession('foreign');
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1' } });
    expect(decision).toMatchObject({ action: 'block', proceed: false });
    expect(decision.flags[0]).toMatchObject({ code: 'GUARD_ERROR', evidence: { stage: 'store' } });
    expect(decision.flags[0]!.message).toContain('append');
    expect(decision.flags[0]!.message).toContain(redis.prefix);
    const error = errors.find((found) => found.message.includes('append'))!;
    expect(error.message).toContain(redis.prefix);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toMatch(/WRONGTYPE/);
    // The admission's script names its own operation.
    const admission = await session.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
    expect(admission.proceed).toBe(false);
    expect(admission.flags[0]!.message).toContain('reserve');
    // A session beside it is untouched.
    const fine = guard.openSession('fine');
    expect((await fine.message('user', 'order ord_2')).flags).toEqual([]);
    expect((await fine.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2' } })).action).toBe('allow');
  }, 60_000);

  it('never show the password: not in decisions, error events or the CLI', async () => {
    const server = await ownRedisServer();
    await (await clientForThisTest(server.url)).configSet('requirepass', 'the-right-one');
    const url = `redis://:${PASSWORD}@127.0.0.1:${server.port}`;
    const seen: unknown[] = [];
    const store = storeForThisTest({ url, prefix: uniquePrefix(), timeoutMs: 500, onError: (error) => seen.push(error) });
    const guard = createGuard({ tools: TOOLS, store });
    guard.on('error', ({ error }) => seen.push(error));
    const decision = await guard.openSession('locked').beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1' } });
    expect(decision.proceed).toBe(false);
    seen.push(decision);
    const shown = (value: unknown): string => (value instanceof Error ? `${value.message} ${value.stack ?? ''} ${value.cause === undefined ? '' : shown(value.cause)}` : JSON.stringify(value));
    expect(seen.length).toBeGreaterThan(1);
    for (const value of seen) expect(shown(value)).not.toContain(PASSWORD);
    for (const args of [['sessions'], ['kill', 'S']]) {
      const run = warden(...args, '--redis', url);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).not.toContain(PASSWORD);
      expect(run.stderr).toContain(`127.0.0.1:${server.port}`);
    }
    // The right password still works, and is not echoed either.
    const right = warden('sessions', '--redis', `redis://:the-right-one@127.0.0.1:${server.port}`);
    expect(right.code).toBe(0);
    expect(warden('sessions', '--redis', REDIS_URL, '--prefix', uniquePrefix()).stdout).toContain('no live sessions');
  }, 60_000);
});
