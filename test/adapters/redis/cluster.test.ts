import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { createCluster } from 'redis';
import { createGuard } from '../../../src/index.js';
import { createRedisStore } from '../../../adapters/redis/index.js';
import { clientForThisTest, describeWithRedis, eventually, ownRedisServer, uniquePrefix, type TestClient } from '../../helpers/redis.js';

const TOOLS = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];

/** A one-node Redis Cluster of this test's own: it refuses any script or command whose keys span slots. */
async function oneNodeCluster(): Promise<{ url: string; admin: TestClient }> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cluster-'));
  const server = await ownRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir]);
  const admin = await clientForThisTest(server.url);
  await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
  await eventually(async () => String(await admin.sendCommand(['CLUSTER', 'INFO'])).includes('cluster_state:ok'));
  return { url: server.url, admin };
}

async function replicaOn(url: string, prefix: string) {
  const cluster = createCluster({ rootNodes: [{ url }] });
  cluster.on('error', () => undefined);
  onTestFinished(() => cluster.close().catch(() => undefined));
  await cluster.connect();
  const store = createRedisStore({ client: cluster, prefix });
  return { store, guard: createGuard({ tools: TOOLS, store, policy: { budget: { maxTokens: 100 }, actions: { BUDGET_EXCEEDED: 'block' } } }) };
}

async function keysUnder(admin: TestClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  return keys;
}

describeWithRedis('Redis session store on a cluster', () => {
  it('runs unchanged on Redis Cluster: every script keeps to one slot', async () => {
    const { url } = await oneNodeCluster();
    const prefix = uniquePrefix();
    const a = await replicaOn(url, prefix);
    const b = await replicaOn(url, prefix);
    const onA = await a.guard.startSession({ sessionId: 'clustered' });
    await onA.message('user', 'order ord_77');
    const onB = await b.guard.startSession({ sessionId: 'clustered' });
    expect((await onB.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_77' } })).action).toBe('allow');
    const admission = await onA.beforeModelCall({ model: 'm', estimatedInputTokens: 80 });
    expect(admission.proceed).toBe(true);
    expect((await onB.beforeModelCall({ model: 'm', estimatedInputTokens: 80 })).proceed).toBe(false);
    expect((await onA.modelCall({ model: 'm', inputTokens: 30, reservationId: admission.reservationId })).flags).toEqual([]);
    await eventually(async () => (await a.store.listSessions()).some((session) => session.sessionId === 'clustered'));
    expect((await a.store.listSessions()).find((session) => session.sessionId === 'clustered')).toMatchObject({ tokensSpent: 30, tokensReserved: 0 });
    expect((await b.store.kill('clustered', 'stop')).status).toBe('killed');
    expect((await onA.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_77' } })).action).toBe('kill');
  }, 90_000);

  it('a session id holding braces or the key separator keeps all its keys on one slot of its own, apart from every other session', async () => {
    const { url, admin } = await oneNodeCluster();
    const prefix = uniquePrefix();
    const { store, guard } = await replicaOn(url, prefix);
    // '}' first makes an empty hash tag (Redis then hashes each whole key: one slot per key); the others
    // cut the tag short or look like another session's key, and a lone surrogate is written as U+FFFD.
    const hostile = ['}x', '{}', '{a}', 'a}b', 'a', 'a}:meta', 'x}:log', '%7D', '%', 'w:{a}', '\uD800', '\uFFFD', 'ok:1'];
    const keysOf = new Map<string, string[]>();
    for (const sessionId of hostile) {
      const before = new Set(await keysUnder(admin, prefix));
      const session = await guard.startSession({ sessionId });
      await session.message('user', `order ord_${hostile.indexOf(sessionId)}`);
      const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: `ord_${hostile.indexOf(sessionId)}` } });
      expect(decision.flags.map((flag) => flag.code), sessionId).toEqual([]);
      expect((await session.beforeModelCall({ model: 'm', estimatedInputTokens: 10 })).proceed, sessionId).toBe(true);
      expect((await store.pause(sessionId, 'look')).status, sessionId).toBe('paused');
      const added = (await keysUnder(admin, prefix)).filter((key) => !before.has(key) && key !== `${prefix}sessions`);
      expect(added.length, sessionId).toBeGreaterThanOrEqual(4);
      const slots = new Set(await Promise.all(added.map(async (key) => Number(await admin.sendCommand(['CLUSTER', 'KEYSLOT', key])))));
      expect(slots.size, sessionId).toBe(1);
      keysOf.set(sessionId, added);
    }
    // Each session wrote keys of its own: no session's keys were another's.
    const all = [...keysOf.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    // The whole id decides the slot, not the part before a '}': ids sharing that part spread over slots.
    const spread = new Set<number>();
    for (let index = 0; index < 32; index += 1) await (await guard.startSession({ sessionId: `a}${index}` })).message('user', 'hello');
    for (const key of await keysUnder(admin, prefix)) if (!all.includes(key) && key !== `${prefix}sessions`) spread.add(Number(await admin.sendCommand(['CLUSTER', 'KEYSLOT', key])));
    expect(spread.size).toBeGreaterThan(8);
    expect((await store.listSessions()).map((listed) => listed.sessionId).sort()).toEqual([...hostile, ...Array.from({ length: 32 }, (_, index) => `a}${index}`)].sort());
  }, 90_000);
});
