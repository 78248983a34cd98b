/**
 * Two replicas of one agent service sharing a session on Redis: one budget, one kill switch.
 * (Two guards in one process stand in for two processes: each has its own store and connection.)
 * Run: npm run build && node dist/examples/shared-sessions.js   (needs Redis: REDIS_URL or 127.0.0.1:6379)
 */
import { randomUUID } from 'node:crypto';
import { createGuard } from 'agent-warden';
import { createRedisStore } from 'agent-warden/redis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tools = [{ name: 'get_order', inputSchema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];
const policy = { budget: { maxTokens: 1_000 } };
// Short-lived keys under a prefix of this run, so the example leaves nothing behind for long.
const prefix = `warden-example:${randomUUID().slice(0, 8)}:`;
const storeA = createRedisStore({ url, prefix, ttlMs: 60_000, timeoutMs: 1_000 });
const storeB = createRedisStore({ url, prefix, ttlMs: 60_000, timeoutMs: 1_000 });
const replicaA = createGuard({ tools, policy, store: storeA });
const replicaB = createGuard({ tools, policy, store: storeB });

const onA = await replicaA.startSession({ sessionId: 'S' });
await onA.message('user', 'Did order ord_1001 ship?');
const onB = await replicaB.startSession({ sessionId: 'S' }); // joins S
console.log('B knows the id A was given:', (await onB.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action);
console.log('B still refuses an invented one:', (await onB.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_555' } })).action);

const admissions = await Promise.all([onA, onB, onA, onB].map((session) => session.beforeModelCall({ model: 'gpt-4o', estimatedInputTokens: 400 })));
console.log('admitted against one shared budget of 1,000 tokens:', admissions.filter((admission) => admission.proceed).length, 'of 4');

console.log('operator: warden kill S ->', (await storeA.kill('S', 'runaway')).status);
console.log('B at its next call:', (await onB.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action);
await Promise.all([storeA.close(), storeB.close()]);
