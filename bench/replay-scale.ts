/**
 * `node dist/bench/replay-scale.js EVENTS [replay|triage|read] [long|short]`: writes a trace of
 * EVENTS events, then replays or triages it, and prints JSON with events/s and peak RSS. `read` is
 * the floor: the same file read and parsed, no guard.
 * `long` (the default): sessions of 20 events, 2,000 open at once, interleaved; the reports are made
 * whole (`replayTrace`, `triageTrace`). `short`: one session an event (one in a hundred a tool call
 * of an invented id, the rest clean), as the CLI runs them: sessions packed and printed as JSON one
 * at a time (`replayTraceLazily`, `triageTraceLazily`), so what is measured is what a finished
 * session keeps, not a million report objects.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTrace } from '../src/trace/index.js';
import { replayTrace, triageTrace } from '../src/forensics/index.js';
import { replayTraceLazily } from '../src/replay.js';
import { triageTraceLazily } from '../src/forensics/triage.js';

const PER_SESSION = 20;
const OPEN = 2_000;

function sessionEvent(session: number, step: number): Record<string, unknown> {
  const id = `s${session}`;
  const order = `ord_${1_000 + (session % 5_000)}`;
  const base = { session_id: id, step, ts: new Date(1_732_500_000_000 + session * 1_000 + step * 10).toISOString() };
  if (step === 0) return { ...base, type: 'session.start', goal: 'Answer the customer', entities: { customer_id: `cust_${session}` } };
  if (step === 1) return { ...base, type: 'tool.definitions', tools: [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } }] };
  if (step === 2) return { ...base, type: 'message', role: 'user', content: `Hi, I am cust_${session}. Where is ${order}?` };
  if (step === PER_SESSION - 1) return { ...base, type: 'session.end', status: 'completed', output: `Your order ${order} shipped.` };
  const call = `c${step}`;
  switch (step % 3) {
    case 0:
      return { ...base, type: 'llm.call', model: 'gpt-4o', input_tokens: 900 + step, output_tokens: 30, finish_reasons: ['tool_calls'], output: { tool_calls: [{ id: call, name: 'get_order', arguments: { order_id: order } }] } };
    case 1:
      return { ...base, type: 'tool.call', call_id: `c${step - 1}`, tool: 'get_order', arguments: { order_id: order, page: step } };
    default:
      return { ...base, type: 'tool.result', call_id: `c${step - 2}`, tool: 'get_order', result: { order_id: order, customer_id: `cust_${session}`, status: 'shipped', page: step } };
  }
}

/** A session of one event: a start, a message, a model call, or (one in a hundred) a tool call of an id nobody gave. */
function shortSessionEvent(session: number): Record<string, unknown> {
  const base = { session_id: `s${session}`, step: 0, ts: new Date(1_732_500_000_000 + session * 1_000).toISOString() };
  const order = `ord_${1_000 + (session % 5_000)}`;
  if (session % 100 === 0) return { ...base, type: 'tool.call', call_id: 'c0', tool: 'get_order', arguments: { order_id: order } };
  if (session % 3 === 1) return { ...base, type: 'session.start', goal: 'Answer the customer', entities: { customer_id: `cust_${session}` } };
  if (session % 3 === 2) return { ...base, type: 'message', role: 'user', content: `Where is ${order}?` };
  return { ...base, type: 'llm.call', model: 'gpt-4o', input_tokens: 900, output_tokens: 30, finish_reasons: ['stop'], output: { text: `Order ${order} shipped.` } };
}

/** Sessions in waves of OPEN, their events interleaved round-robin within a wave; `short`: one event a session. */
export async function writeScaleTrace(path: string, events: number, shape: 'long' | 'short' = 'long'): Promise<void> {
  const out = createWriteStream(path);
  if (shape === 'short') {
    for (let session = 0; session < events; session += 1) {
      if (!out.write(`${JSON.stringify(shortSessionEvent(session))}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return;
  }
  const sessions = Math.ceil(events / PER_SESSION);
  for (let wave = 0; wave < sessions; wave += OPEN) {
    const last = Math.min(sessions, wave + OPEN);
    for (let step = 0; step < PER_SESSION; step += 1) {
      for (let session = wave; session < last; session += 1) {
        if (!out.write(`${JSON.stringify(sessionEvent(session, step))}\n`)) await once(out, 'drain');
      }
    }
  }
  out.end();
  await once(out, 'finish');
}

if (process.argv[1]?.endsWith('replay-scale.js')) {
  const events = Number(process.argv[2] ?? 1_000_000);
  const mode = process.argv[3] ?? 'replay';
  const shape = process.argv[4] === 'short' ? 'short' : 'long';
  const dir = await mkdtemp(join(tmpdir(), 'warden-bench-'));
  const path = join(dir, 'trace.jsonl');
  try {
    await writeScaleTrace(path, events, shape);
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    let count = 0;
    if (mode === 'read') {
      for await (const line of readTrace(path)) if (line.event) count += 1;
    } else if (shape === 'short') {
      // As `warden replay --json` and `warden triage --json` print them: a session at a time.
      const report = mode === 'replay' ? await replayTraceLazily(path) : await triageTraceLazily(path);
      let printed = 0;
      for (const session of report.sessions) printed += JSON.stringify(session).length;
      if (printed === 0) throw new Error('nothing printed');
      count = report.validEvents;
    } else if (mode === 'replay') {
      count = (await replayTrace(path)).validEvents;
    } else {
      count = (await triageTrace(path)).validEvents;
    }
    const seconds = (performance.now() - start) / 1_000;
    process.stdout.write(`${JSON.stringify({ mode, shape, events: count, seconds, eventsPerSecond: count / seconds, maxRssMb: process.resourceUsage().maxRSS / 1_024, rssBeforeMb: rssBefore / 1e6 })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
