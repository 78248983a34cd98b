import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { createCluster } from 'redis';
import { createGuard } from '../../../src/index.js';
import { createRedisStore } from '../../../adapters/redis/index.js';
import { clientForThisTest, describeWithRedis, eventually, ownRedisServer, uniquePrefix } from '../../helpers/redis.js';

const TOOLS = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];

// A one-node Redis Cluster of this test's own: it refuses any script or command whose keys span slots.
describeWithRedis('Redis session store on a cluster', () => {
  it('runs unchanged on Redis Cluster: every script keeps to one slot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-cluster-'));
    const server = await ownRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir]);
    const admin = await clientForThisTest(server.url);
    await admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
    await eventually(async () => String(await admin.sendCommand(['CLUSTER', 'INFO'])).includes('cluster_state:ok'));
    const prefix = uniquePrefix();
    const replica = async () => {
      const cluster = createCluster({ rootNodes: [{ url: server.url }] });
      cluster.on('error', () => undefined);
      onTestFinished(() => cluster.close().catch(() => undefined));
      await cluster.connect();
      const store = createRedisStore({ client: cluster, prefix });
      return { store, guard: createGuard({ tools: TOOLS, store, policy: { budget: { maxTokens: 100 }, actions: { BUDGET_EXCEEDED: 'block' } } }) };
    };
    const a = await replica();
    const b = await replica();
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
});
