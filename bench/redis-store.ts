/**
 * The Redis session store against the memory store: per-call overhead in one process, and admissions
 * per second with 4 processes admitting into one shared session. Skipped when Redis does not answer.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { createClient } from 'redis';
import { createGuard, type ToolDefinition } from '../src/index.js';
import { createRedisStore } from '../adapters/redis/index.js';

const TOOL: ToolDefinition = { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } };
const WORKER_FLAG = '--admissions-worker';

async function deletePrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await client.unlink(keys);
  client.destroy();
}

/** beforeToolCall + afterToolCall on one session: the memory store (floor) and the Redis store. */
export async function redisOverhead(url: string): Promise<Task[]> {
  const prefix = `warden-bench:${randomUUID().slice(0, 8)}:`;
  const store = createRedisStore({ url, prefix, ttlMs: 600_000 });
  const sessions = await Promise.all([createGuard({ tools: [TOOL] }), createGuard({ tools: [TOOL], store })].map(async (guard) => {
    const session = await guard.startSession();
    await session.message('user', 'My orders are ord_1, ord_2 and ord_3.');
    return session;
  }));
  let call = 0;
  const bench = new Bench({ time: 1_000 });
  for (const [name, session] of [['floor: memory store', sessions[0]!], ['redis store', sessions[1]!]] as const) {
    bench.add(`${name}: beforeToolCall + afterToolCall`, async () => {
      const callId = `c${call++}`;
      const decision = await session.beforeToolCall({ callId, tool: 'get_order', arguments: { order_id: `ord_${(call % 3) + 1}` } });
      if (decision.flags.some((flag) => flag.code === 'GUARD_ERROR')) throw new Error(decision.flags[0]!.message);
      await session.afterToolCall({ callId, tool: 'get_order', result: { status: 'shipped' } });
    });
  }
  await bench.run();
  await store.close();
  await deletePrefix(url, prefix);
  return bench.tasks;
}

/** One process of the admissions run: admits and reconciles in a loop, 8 at a time, then prints its count. */
async function admissionsWorker(): Promise<void> {
  const { url, prefix, sessionId, durationMs } = JSON.parse(process.env.BENCH_CONFIG!) as { url: string; prefix: string; sessionId: string; durationMs: number };
  const store = createRedisStore({ url, prefix, ttlMs: 600_000 });
  const session = await createGuard({ policy: { budget: { maxTokens: Number.MAX_SAFE_INTEGER } }, store }).startSession({ sessionId });
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const until = Date.now() + durationMs;
  let admitted = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (Date.now() < until) {
      const admission = await session.beforeModelCall({ model: 'm', estimatedInputTokens: 100, maxOutputTokens: 50 });
      if (!admission.proceed) throw new Error(admission.flags[0]?.message);
      admitted += 1;
      await session.modelCall({ model: 'm', inputTokens: 80, outputTokens: 20, reservationId: admission.reservationId });
    }
  }));
  process.stdout.write(`${admitted}\n`);
  await store.close();
}

/** 4 processes admit (and reconcile) into one shared session for `durationMs`: admissions per second. */
export async function redisAdmissions(url: string, processes = 4, durationMs = 3_000): Promise<{ admissions: number; perSecond: number }> {
  const prefix = `warden-bench:${randomUUID().slice(0, 8)}:`;
  const config = JSON.stringify({ url, prefix, sessionId: 'bench', durationMs });
  const children = Array.from({ length: processes }, () => spawn(process.execPath, [fileURLToPath(import.meta.url), WORKER_FLAG], { env: { ...process.env, BENCH_CONFIG: config }, stdio: ['pipe', 'pipe', 'inherit'] }));
  // Every process has joined the session before any starts admitting.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const counts = children.map((child) => new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`admissions worker exited ${code}`))));
  }));
  for (const child of children) child.stdin!.end('go\n');
  const admissions = (await Promise.all(counts)).reduce((sum, count) => sum + count, 0);
  await deletePrefix(url, prefix);
  return { admissions, perSecond: Math.round(admissions / (durationMs / 1_000)) };
}

if (process.argv.includes(WORKER_FLAG)) await admissionsWorker();
