import { expect, it } from 'vitest';
import { countSessions, listSessions, type RedisCommands } from '../../../adapters/redis/index.js';
import { hashTag, indexKey } from '../../../adapters/redis/session-keys.js';
import { describeWithRedis, REDIS_URL, useSharedRedis, type TestClient } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';

/** The client, recording the longest array any command answered with: what one listing held in memory at once. */
function measured(client: TestClient): { client: RedisCommands; longestReply: () => number } {
  let longest = 0;
  const proxy = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const reply = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        if (Array.isArray(reply)) longest = Math.max(longest, reply.length);
        return reply;
      };
    },
  });
  return { client: proxy as unknown as RedisCommands, longestReply: () => longest };
}

describeWithRedis('warden sessions on a store with very many sessions', () => {
  const redis = useSharedRedis();
  const TOTAL = 3_000;

  it('lists the newest 1,000 with bounded replies, and counts them all', async () => {
    // Sessions as the store writes them: a meta hash each, and the index by last activity (session i at time i).
    const now = Date.now();
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < TOTAL; index += 1) {
      const sessionId = `s${index}`;
      writes.push(redis.client.hSet(redis.key(sessionId, 'meta'), { seq: '1', status: 'active', lastStep: String(index), updated: String(now - TOTAL + index) }));
      writes.push(redis.client.zAdd(indexKey(redis.prefix), { score: now - TOTAL + index, value: hashTag(sessionId) }));
    }
    await Promise.all(writes);
    const { client, longestReply } = measured(redis.client);
    const listed = await listSessions(client, redis.prefix);
    expect(listed).toHaveLength(1_000);
    expect(listed.map((summary) => summary.sessionId)).toEqual(Array.from({ length: 1_000 }, (_, rank) => `s${TOTAL - 1 - rank}`));
    expect(longestReply()).toBeLessThanOrEqual(1_000);
    expect(await countSessions(client, redis.prefix)).toBe(TOTAL);

    const text = warden('sessions', '--redis', REDIS_URL, '--prefix', redis.prefix);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(1 + 1_000 + 1);
    expect(text.stdout).toContain(`the 1,000 most recently active of ${TOTAL.toLocaleString('en-US')} sessions`);
    const json = warden('sessions', '--redis', REDIS_URL, '--prefix', redis.prefix, '--json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(1_000);
    expect(json.stderr).toContain(`the 1,000 most recently active of ${TOTAL.toLocaleString('en-US')} sessions`);
  }, 120_000);

  it('a store with a few sessions lists them all and says nothing more', async () => {
    const prefix = `${redis.prefix}few:`;
    for (const [position, sessionId] of ['a', 'b'].entries()) {
      await redis.client.hSet(`${prefix}{${sessionId}}:meta`, { seq: '1', status: 'active', lastStep: '1' });
      await redis.client.zAdd(indexKey(prefix), { score: position, value: sessionId });
    }
    expect((await listSessions(redis.client as unknown as RedisCommands, prefix)).map((summary) => summary.sessionId)).toEqual(['b', 'a']);
    expect(await countSessions(redis.client as unknown as RedisCommands, prefix)).toBe(2);
    const text = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix);
    expect(text.stdout.trim().split('\n')).toHaveLength(3);
    expect(text.stdout).not.toContain('most recently active of');
  }, 60_000);
});
