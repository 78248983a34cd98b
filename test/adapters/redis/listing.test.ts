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

  /** `count` sessions as the store writes them under `prefix`: a meta hash each, and the index by last activity (session i at time i). */
  const writeSessions = async (prefix: string, count: number) => {
    const now = Date.now();
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < count; index += 1) {
      const sessionId = `s${index}`;
      writes.push(redis.client.hSet(`${prefix}{${hashTag(sessionId)}}:meta`, { seq: '1', status: 'active', lastStep: String(index), updated: String(now - count + index) }));
      writes.push(redis.client.zAdd(indexKey(prefix), { score: now - count + index, value: hashTag(sessionId) }));
    }
    await Promise.all(writes);
  };
  /** Session ids from rank `from` to rank `to` (exclusive) of `count`, the newest first. */
  const ranks = (count: number, from: number, to: number) => Array.from({ length: to - from }, (_, rank) => `s${count - 1 - from - rank}`);

  it('lists the newest 1,000 with bounded replies, and counts them all', async () => {
    await writeSessions(redis.prefix, TOTAL);
    const { client, longestReply } = measured(redis.client);
    const listed = await listSessions(client, redis.prefix);
    expect(listed).toHaveLength(1_000);
    expect(listed.map((summary) => summary.sessionId)).toEqual(ranks(TOTAL, 0, 1_000));
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

  it('pages past the newest 1,000 by offset and limit, each page bounded, the pages together every session once', async () => {
    const prefix = `${redis.prefix}paged:`;
    const count = 2_500;
    await writeSessions(prefix, count);
    const { client, longestReply } = measured(redis.client);
    const pages = [];
    for (let offset = 0; offset < count; offset += 1_000) pages.push(await listSessions(client, prefix, { offset, limit: 1_000 }));
    expect(pages.map((page) => page.length)).toEqual([1_000, 1_000, 500]);
    expect(pages.flat().map((summary) => summary.sessionId)).toEqual(ranks(count, 0, count));
    expect(longestReply()).toBeLessThanOrEqual(1_000);
    expect(await listSessions(client, prefix, { offset: count })).toEqual([]);
    expect((await listSessions(client, prefix, { offset: 7, limit: 3 })).map((summary) => summary.sessionId)).toEqual(ranks(count, 7, 10));
    for (const page of [{ limit: 1_001 }, { limit: 0 }, { offset: -1 }, { offset: 1.5 }]) await expect(listSessions(client, prefix, page)).rejects.toThrow(RangeError);

    // A session whose keys expired is left out of its page and out of the index: the next page starts where this one ended.
    await redis.client.del(`${prefix}{s1200}:meta`);
    const second = await listSessions(client, prefix, { offset: 1_000, limit: 1_000 });
    expect(second).toHaveLength(999);
    expect(second.map((summary) => summary.sessionId)).toEqual(ranks(count, 1_000, 2_000).filter((id) => id !== 's1200'));
    expect(await countSessions(client, prefix)).toBe(count - 1);
    expect((await listSessions(client, prefix, { offset: 1_999, limit: 1 })).map((summary) => summary.sessionId)).toEqual(['s499']);

    const text = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--offset', '1000');
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 1_000 + 1);
    expect(lines[1]!.split(/\s+/)[0]).toBe('s1499');
    expect(lines.at(-1)).toBe('sessions 1,001 to 2,000 by last activity, of 2,499 (next page: --offset 2000)');
    const last = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--offset', '2000', '--json');
    expect(last.code).toBe(0);
    expect((JSON.parse(last.stdout) as Array<{ sessionId: string }>).map((summary) => summary.sessionId)).toEqual(ranks(count, 2_001, count));
    expect(last.stderr).toBe('sessions 2,001 to 2,499 by last activity, of 2,499\n');
    const small = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--limit', '20');
    expect(small.stdout.trim().split('\n')).toHaveLength(1 + 20 + 1);
    expect(small.stdout).toContain('the 20 most recently active of 2,499 sessions (next page: --offset 20 --limit 20)');
    const past = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--offset', '5000');
    expect(past).toMatchObject({ code: 0, stdout: 'no sessions at --offset 5000: there are 2,499\n' });
    for (const [option, value] of [['--limit', '1001'], ['--limit', '0'], ['--offset', '-1'], ['--offset', '2.5'], ['--limit', 'ten']] as const) {
      const refused = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, `${option}=${value}`);
      expect(refused.code, `${option} ${value}`).toBe(2);
      expect(refused.stderr).toContain(`${option} takes a whole number`);
    }
  }, 120_000);

  it('a page whose sessions had all expired says so, and the next listing shows the ones moved up', async () => {
    const prefix = `${redis.prefix}stale:`;
    await writeSessions(prefix, 2);
    await redis.client.del(`${prefix}{s1}:meta`);
    const stale = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--limit', '1');
    expect(stale).toMatchObject({ code: 0, stdout: 'no sessions at --offset 0: there are 1 (the ones at this offset had expired and have left the index: list again)\n' });
    const again = warden('sessions', '--redis', REDIS_URL, '--prefix', prefix, '--limit', '1');
    expect(again.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['SESSION', 's0']);
    await redis.client.del(`${prefix}{s0}:meta`);
    expect(warden('sessions', '--redis', REDIS_URL, '--prefix', prefix).stdout).toBe(`no live sessions under prefix ${prefix}\n`);
  }, 60_000);

  it('the store lists the same pages', async () => {
    const store = redis.store({ prefix: `${redis.prefix}store:` });
    await writeSessions(store.prefix, 30);
    expect((await store.listSessions({ offset: 25 })).map((summary) => summary.sessionId)).toEqual(ranks(30, 25, 30));
    expect((await store.listSessions({ limit: 2 })).map((summary) => summary.sessionId)).toEqual(['s29', 's28']);
    expect(await store.listSessions()).toHaveLength(30);
  }, 60_000);
});
