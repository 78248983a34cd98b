/**
 * `npm run bench`: the guard's cost against the cheapest thing that does part of its job.
 * Never part of `npm test`; numbers, not assertions. `npm run bench -- percall scan` runs only the
 * named groups (percall, history, scan, memory, replay, triage, proxy, adapters, cli, precision, who-and-when, redis); the targets of
 * issue 12 are printed last, each with its floor, value, bound and verdict.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createGuard, type ToolDefinition } from '../src/index.js';
import { proxyLatency, reportProxyLatency } from './mcp-proxy.js';
import { adapterOverhead, CALLS } from './adapters.js';
import { historyTargets, largeResultTargets, perCallTargets } from './hot-path.js';
import { printTargets, target } from './targets.js';
import { cliStartup } from './cli-startup.js';
import { injectionPrecision } from './injection-precision.js';
import { repoRoot } from './precision-corpus.js';
import { accuracyByFolder, loadLogs, triageLogs } from './fault-step-accuracy.js';
import type { DosRow } from './dos.js';
import { redisAdmissions, redisOverhead } from './redis-store.js';
import { redisAnswers } from '../adapters/redis/ping.js';

const ORDER_TOOL: ToolDefinition = {
  name: 'update_order',
  input_schema: {
    type: 'object',
    properties: {
      order_id: { type: 'string', pattern: '^ord_[0-9]+$' },
      payment_id: { type: 'string' },
      items: { type: 'array', items: { type: 'object', properties: { item_id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } }, required: ['item_id', 'quantity'] } },
      note: { type: 'string' },
    },
    required: ['order_id', 'items'],
    additionalProperties: false,
  },
  annotations: { destructiveHint: true },
};

const IDS = Array.from({ length: 1_000 }, (_, index) => index);
const argsFor = (index: number) => ({
  order_id: `ord_${index}`,
  payment_id: `credit_card_${index}`,
  items: [
    { item_id: `item_${index}`, quantity: 1 },
    { item_id: `item_${(index + 1) % IDS.length}`, quantity: 2 },
  ],
  note: 'leave at the door, please',
});

/** About 1 MB of records with ids in values, keys and prose, as a JSON string (as tools return it). */
function megabyteResult(): string {
  const records = [];
  for (let index = 0; JSON.stringify(records).length < 1_000_000; index += 1) {
    records.push({ order_id: `ord_${index}`, status: 'shipped', lines: { [`item_${index}`]: 2 }, note: `Replaces ord_${index + 7}; carrier ref UPS-${index * 13} delivered to the front desk.` });
  }
  return JSON.stringify(records);
}

async function perCallOverhead(): Promise<Task[]> {
  const guard = createGuard({ tools: [ORDER_TOOL] });
  const session = await guard.startSession();
  await session.message('user', IDS.map((index) => `ord_${index} credit_card_${index} item_${index}`).join(' '));
  const validate = new Ajv2020({ strict: false }).compile(ORDER_TOOL.input_schema);
  let guarded = 0;
  let floor = 0;
  const bench = new Bench({ time: 1_000 });
  bench
    .add('floor: ajv validation of the same arguments', () => {
      validate(argsFor(floor++ % IDS.length));
    })
    .add('guard: beforeToolCall + afterToolCall', async () => {
      const index = guarded++;
      const callId = `c${index}`;
      const decision = await session.beforeToolCall({ callId, tool: 'update_order', arguments: argsFor(index % IDS.length) });
      if (!decision.proceed) throw new Error(`unexpected refusal: ${decision.refusal?.message}`);
      await session.afterToolCall({ callId, tool: 'update_order', result: { ok: true, version: index } });
    });
  await bench.run();
  return bench.tasks;
}

async function largeResultScan(): Promise<Task[]> {
  const result = megabyteResult();
  const guard = createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }] });
  let call = 0;
  const bench = new Bench({ time: 2_000, iterations: 5 });
  bench
    .add('floor: JSON.parse of the 1 MB result', () => {
      JSON.parse(result);
    })
    .add('guard: afterToolCall scanning the 1 MB result', async () => {
      const session = await guard.startSession();
      const callId = `x${call++}`;
      await session.beforeToolCall({ callId, tool: 'export_orders', arguments: {} });
      await session.afterToolCall({ callId, tool: 'export_orders', result });
      guard.endSession(session.id);
    });
  await bench.run();
  return bench.tasks;
}

function meanMs(task: Task): number {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  return result.latency.mean;
}

function report(title: string, tasks: Task[]): void {
  const floor = meanMs(tasks[0]!);
  console.log(`\n${title}`);
  console.table(
    tasks.map((task) => ({
      task: task.name,
      'mean (µs)': Number((meanMs(task) * 1_000).toFixed(2)),
      'x floor': Number((meanMs(task) / floor).toFixed(1)),
    })),
  );
}

const only = new Set(process.argv.slice(2));
const wanted = (group: string) => only.size === 0 || only.has(group);
const child = (script: string, args: string[], flags: string[] = []) =>
  JSON.parse(execFileSync(process.execPath, [...flags, fileURLToPath(new URL(script, import.meta.url)), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').at(-1)!);

if (wanted('percall')) {
  report('Per tool call (1,000 ids in the ledger, destructive tool, schema with pattern)', await perCallOverhead());
  await perCallTargets(ORDER_TOOL, argsFor, IDS.map((index) => `ord_${index} credit_card_${index} item_${index}`).join(' '));
}
if (wanted('percall')) {
  // Fresh processes, alternated: the first call at once after createGuard, and after three turns of the event loop.
  const runs = { 0: [] as Array<{ create: number; first: number; second: number }>, 3: [] as Array<{ create: number; first: number; second: number }> };
  for (let round = 0; round < 5; round += 1) for (const turns of [0, 3] as const) runs[turns].push(child('./first-call.js', [String(turns)]));
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!.toFixed(1);
  console.log(`\nFirst calls of a fresh process (medians of 5): createGuard ${mid(runs[0].map((run) => run.create))} ms; first call at once ${mid(runs[0].map((run) => run.first))} ms, after three turns of the event loop ${mid(runs[3].map((run) => run.first))} ms; second call ${mid(runs[3].map((run) => run.second))} ms`);
}
if (wanted('percall')) {
  const runs = Array.from({ length: 3 }, () => child('./registration.js', ['5000']) as { count: number; create: number; first: number; second: number });
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const create = mid(runs.map((run) => run.create));
  console.log(`\nA list of 5,000 tools, each its own schema (medians of 3 fresh processes): createGuard ${create.toFixed(0)} ms (${((create / 5_000) * 1_000).toFixed(0)} µs a tool); first check of one tool ${mid(runs.map((run) => run.first)).toFixed(2)} ms (compiles its schema), second ${mid(runs.map((run) => run.second)).toFixed(2)} ms`);
}
if (wanted('history')) await historyTargets();
if (wanted('scan')) {
  report('One 1 MB tool result (ids, keys, prose; injection scan; one pass)', await largeResultScan());
  await largeResultTargets();
}
if (wanted('memory')) {
  const { idle, typical } = child('./session-memory.js', [], ['--expose-gc']) as { idle: number; typical: number };
  console.log(`\nSession heap: idle ${(idle / 1_024).toFixed(2)} KB, typical ${(typical / 1_024).toFixed(2)} KB`);
  target({ name: 'idle session heap', floor: 'absolute', value: idle / 1_024, unit: 'KB', limit: 2, kind: 'max' });
  target({ name: 'typical session heap', floor: 'absolute', value: typical / 1_024, unit: 'KB', limit: 5, kind: 'max' });
}
const EVENTS = process.env.BENCH_EVENTS ?? '1000000';
if (wanted('replay') || wanted('triage')) {
  const read = child('./replay-scale.js', [EVENTS, 'read']) as { eventsPerSecond: number; maxRssMb: number };
  console.log(`\nFloor: reading and parsing ${EVENTS} events, ${read.eventsPerSecond.toFixed(0)} events/s, ${read.maxRssMb.toFixed(0)} MB RSS`);
  for (const mode of ['replay', 'triage'].filter(wanted)) {
    const run = child('./replay-scale.js', [EVENTS, mode]) as { eventsPerSecond: number; maxRssMb: number };
    console.log(`${mode} of ${EVENTS} events (2,000 sessions open at once): ${run.eventsPerSecond.toFixed(0)} events/s (${(read.eventsPerSecond / run.eventsPerSecond).toFixed(1)}x the floor's time), peak RSS ${run.maxRssMb.toFixed(0)} MB`);
    target({ name: `${mode} speed, ${EVENTS} events`, floor: 'absolute', value: run.eventsPerSecond, unit: 'events/s', limit: 50_000, kind: 'min' });
    target({ name: `${mode} peak RSS, ${EVENTS} events`, floor: 'absolute', value: run.maxRssMb, unit: 'MB', limit: 300, kind: 'max' });
  }
  // Many short sessions: what a finished session keeps, a million times over.
  for (const mode of ['replay', 'triage'].filter(wanted)) {
    const run = child('./replay-scale.js', [EVENTS, mode, 'short']) as { eventsPerSecond: number; maxRssMb: number };
    console.log(`${mode} of ${EVENTS} one-event sessions, printed a session at a time: ${run.eventsPerSecond.toFixed(0)} events/s, peak RSS ${run.maxRssMb.toFixed(0)} MB`);
    target({ name: `${mode} speed, ${EVENTS} one-event sessions`, floor: 'absolute', value: run.eventsPerSecond, unit: 'events/s', limit: 50_000, kind: 'min' });
    target({ name: `${mode} peak RSS, ${EVENTS} one-event sessions`, floor: 'absolute', value: run.maxRssMb, unit: 'MB', limit: 300, kind: 'max' });
  }
}
if (wanted('proxy')) reportProxyLatency(await proxyLatency());
if (wanted('adapters')) {
  for (const { framework, tasks } of await adapterOverhead()) {
    report(`${framework}: one run of ${CALLS} tool calls (added per call: ${(((meanMs(tasks[1]!) - meanMs(tasks[0]!)) / CALLS) * 1_000).toFixed(0)} µs)`, tasks);
  }
}
if (wanted('cli')) {
  console.log('\nCLI start-up, median of interleaved runs (floor: starting Node itself)');
  console.table(cliStartup());
}
if (wanted('precision')) {
  const precision = await injectionPrecision();
  console.log(`\nPrompt-injection findings: precision and recall per tier on the precision corpus (${precision.corpus})`);
  console.table(precision.detectors);
  for (const { caption, rows } of precision.sets) {
    console.log(`\n${caption}`);
    console.table(rows);
  }
  console.log('\nWithheld or blocked / warned per check on the benign corpus, default policy');
  console.table(precision.checks);
}
if (wanted('who-and-when')) {
  const fixture = await triageLogs(loadLogs(join(repoRoot(), 'test', 'fixtures', 'who-and-when')));
  console.log(`\nFault step and agent of Who&When failure logs: the fixture subset (${fixture.outcomes.length} logs, test/fixtures/who-and-when)`);
  console.table(accuracyByFolder(fixture.outcomes));
  // The whole corpus (184 logs) is not in the repository: WHO_AND_WHEN_DIR names a copy of it (its
  // hand-crafted/ and algorithm-generated/ folders), from github.com/mingyin1/Agents_Failure_Attribution.
  const corpus = process.env.WHO_AND_WHEN_DIR;
  if (corpus !== undefined && existsSync(join(corpus, 'hand-crafted')) && existsSync(join(corpus, 'algorithm-generated'))) {
    const whole = await triageLogs(loadLogs(corpus));
    console.log(`\nThe same on the whole corpus (${whole.outcomes.length} logs, ${corpus})`);
    console.table(accuracyByFolder(whole.outcomes));
  } else {
    console.log(`\nThe whole Who&When corpus: skipped (${corpus === undefined ? 'WHO_AND_WHEN_DIR is not set' : `no hand-crafted/ and algorithm-generated/ in ${corpus}`}); WHO_AND_WHEN_DIR=FOLDER points at a copy`);
  }
}
if (wanted('dos')) {
  const dos = child('./dos.js', []) as DosRow[];
  console.log('\nWorst-case decision time over the denial-of-service classes (issue 10; target: under 50 ms each)');
  console.table(dos);
  const worstClass = dos.slice(1).reduce((slowest, row) => (row['worst (ms)'] > slowest['worst (ms)'] ? row : slowest));
  target({ name: `worst DoS-class decision (${worstClass.class})`, floor: 'absolute', value: worstClass['worst (ms)'], unit: 'ms', limit: 50, kind: 'max' });
}
if (wanted('redis')) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(redisUrl)) {
    report(`Redis session store at ${redisUrl}: one tool call and its result (one round trip each)`, await redisOverhead(redisUrl));
    const { admissions, perSecond } = await redisAdmissions(redisUrl);
    console.log(`\nRedis budget admissions, 4 processes into one session (each admitted and reconciled): ${admissions} in 3 s, ${perSecond}/s`);
  } else {
    console.log(`\nRedis session store: skipped, nothing answers at ${redisUrl}`);
  }
}
printTargets();
