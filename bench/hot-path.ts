/**
 * Issue 12's scenarios: the per-call cost against its floor measured interleaved (robust on a busy
 * machine), the cost of a call as the session grows, and large results as text and as an object.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createGuard, type ToolDefinition } from '../src/index.js';
import { canonicalJson } from '../src/text/canonical-json.js';
import { JsonlFileSink } from '../src/trace/sinks.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDocs } from './precision-corpus.js';
import { median, percentile, target } from './targets.js';

/** Runs `floor` and `guarded` alternately in rounds, so machine load hits both alike; per-call times in µs. */
async function interleaved(rounds: number, perRound: number, floor: (index: number) => void, guarded: (index: number) => Promise<void>) {
  const floorTimes: number[] = [];
  const guardTimes: number[] = [];
  let index = 0;
  for (let round = 0; round < rounds; round += 1) {
    let start = performance.now();
    for (let call = 0; call < perRound; call += 1) floor(index + call);
    floorTimes.push(((performance.now() - start) * 1_000) / perRound);
    for (let call = 0; call < perRound; call += 1) {
      start = performance.now();
      await guarded(index + call);
      guardTimes.push((performance.now() - start) * 1_000);
    }
    index += perRound;
  }
  return { floor: median(floorTimes), p50: median(guardTimes), p99: percentile(guardTimes, 0.99) };
}

export async function perCallTargets(tool: ToolDefinition, argsFor: (index: number) => Record<string, unknown>, prime: string): Promise<void> {
  const guard = createGuard({ tools: [tool] });
  const session = await guard.startSession();
  await session.message('user', prime);
  const validate = new Ajv2020({ strict: false }).compile(tool.input_schema!);
  // Warm both paths before measuring.
  for (let index = 0; index < 2_000; index += 1) {
    validate(argsFor(index));
    canonicalJson(argsFor(index));
  }
  const run = async (index: number) => {
    const callId = `w${index}`;
    const decision = await session.beforeToolCall({ callId, tool: tool.name, arguments: argsFor(index % 1_000) });
    if (!decision.proceed) throw new Error(`unexpected refusal: ${decision.refusal?.message}`);
    await session.afterToolCall({ callId, tool: tool.name, result: { ok: true, version: index } });
  };
  for (let index = 0; index < 2_000; index += 1) await run(1_000_000 + index);
  const measured = await interleaved(60, 200, (index) => {
    const args = argsFor(index % 1_000);
    validate(args);
    canonicalJson(args);
  }, run);
  console.log(`\nPer call, interleaved with its floor: floor ${measured.floor.toFixed(2)} µs, guard p50 ${measured.p50.toFixed(2)} µs, p99 ${measured.p99.toFixed(2)} µs`);
  target({ name: 'per call p50 (before + after)', floor: 'ajv validate + one canonicalisation', value: measured.p50 / measured.floor, unit: 'x', limit: 10, kind: 'max' });
  target({ name: 'per call p99 / p50', floor: 'guard p50', value: measured.p99 / measured.p50, unit: 'x', limit: 10, kind: 'max' });
}

const WORDS = 'order refund shipment carrier invoice delay customer warehouse address parcel tracking return policy damaged replacement credit account payment card balance'.split(' ');

/** About 450 characters of free text, different for every index. */
function freeText(index: number): string {
  const words: string[] = [];
  let seed = index * 2_654_435_761;
  while (words.join(' ').length < 450) {
    seed = (Math.imul(seed ^ (seed >>> 15), 2_246_822_507) + index) | 0;
    words.push(WORDS[Math.abs(seed) % WORDS.length]!);
  }
  return `Request ${index}: ${words.join(' ')}`;
}

/** The cost of a call with 450-character free text: as the 2nd call of its tool, and after 1,000 earlier ones. */
export async function historyTargets(): Promise<void> {
  const tool: ToolDefinition = { name: 'ask_support', input_schema: { type: 'object', properties: { question: { type: 'string' }, topic: { type: 'string' } } } };
  const guard = createGuard({ tools: [tool], policy: { limits: { maxSessions: 100_000 } } });
  const call = async (session: Awaited<ReturnType<typeof guard.startSession>>, index: number) => {
    const callId = `q${index}`;
    await session.beforeToolCall({ callId, tool: 'ask_support', arguments: { question: freeText(index), topic: 'billing' } });
    await session.afterToolCall({ callId, tool: 'ask_support', result: { answer: 'See the billing help page.' } });
  };
  const second: number[] = [];
  const later: number[] = [];
  const long = await guard.startSession();
  for (let index = 0; index < 1_000; index += 1) await call(long, index);
  for (let round = 0; round < 40; round += 1) {
    for (let sample = 0; sample < 25; sample += 1) {
      const fresh = await guard.startSession();
      await call(fresh, 50_000 + round * 100 + sample);
      let start = performance.now();
      await call(fresh, 60_000 + round * 100 + sample);
      second.push(performance.now() - start);
      guard.endSession(fresh.id);
      start = performance.now();
      await call(long, 70_000 + round * 100 + sample);
      later.push(performance.now() - start);
    }
  }
  const [atTwo, atThousand] = [median(second) * 1_000, median(later) * 1_000];
  console.log(`\nSession growth (450-character free text): 2nd call ${atTwo.toFixed(1)} µs, after 1,000 calls ${atThousand.toFixed(1)} µs`);
  target({ name: 'call after 1,000 calls / 2nd call', floor: '2nd call of the tool', value: atThousand / atTwo, unit: 'x', limit: 1.5, kind: 'max' });

  // A long session whose every result names a new id, a model call after each: the ledger fills to its
  // bound (100,000 ids) and then keeps dropping the oldest; the burn-rate window holds every call of the
  // last 15 minutes, here all of them. Calls 140,000-150,000 against calls 5,000-15,000 of the same session.
  const ids = await guard.startSession();
  const lookup = { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } } };
  await ids.defineTools([lookup]);
  const block = async (from: number, to: number) => {
    const times: number[] = [];
    for (let index = from; index < to; index += 1) {
      const start = performance.now();
      await ids.beforeToolCall({ callId: `g${index}`, tool: 'get_order', arguments: {} });
      await ids.afterToolCall({ callId: `g${index}`, tool: 'get_order', result: { order_id: `ord_${index}`, status: 'shipped' } });
      await ids.modelCall({ model: 'gpt-4o', inputTokens: 1_200, outputTokens: 40 });
      times.push(performance.now() - start);
    }
    return median(times) * 1_000;
  };
  await block(0, 5_000);
  const early = await block(5_000, 15_000);
  await block(15_000, 140_000);
  const late = await block(140_000, 150_000);
  console.log(`Long session, a new id in every result and a model call after each: calls 5,000-15,000 ${early.toFixed(1)} µs, calls 140,000-150,000 (the ledger at its bound) ${late.toFixed(1)} µs`);
  target({ name: 'call after 140,000 calls (new ids) / calls 5,000-15,000', floor: 'the same session, early', value: late / early, unit: 'x', limit: 1.5, kind: 'max' });
}

/** About `bytes` of records with ids in values, keys and prose (the existing bench's 1 MB result shape). */
export function records(bytes: number): Array<Record<string, unknown>> {
  const list: Array<Record<string, unknown>> = [];
  let size = 2;
  for (let index = 0; size < bytes; index += 1) {
    const record = { order_id: `ord_${index}`, status: 'shipped', lines: { [`item_${index}`]: 2 }, note: `Replaces ord_${index + 7}; carrier ref UPS-${index * 13} delivered to the front desk.` };
    size += JSON.stringify(record).length + 1;
    list.push(record);
  }
  return list;
}

/** A call of `export_orders` in a session of its own: how long `afterToolCall` takes for the result given. */
function timedResult(guard: ReturnType<typeof createGuard>): (result: unknown) => Promise<number> {
  let calls = 0;
  return async (result) => {
    const session = await guard.startSession();
    const callId = `x${calls++}`;
    await session.beforeToolCall({ callId, tool: 'export_orders', arguments: {} });
    const start = performance.now();
    await session.afterToolCall({ callId, tool: 'export_orders', result });
    const elapsed = performance.now() - start;
    guard.endSession(session.id);
    return elapsed;
  };
}

/** A 1 MB result as JSON text and as an object: MB/s, ratio to JSON.parse, and the longest event-loop block. */
export async function largeResultTargets(): Promise<void> {
  const value = records(1_000_000);
  const text = JSON.stringify(value);
  const megabytes = text.length / 1e6;
  const once = timedResult(createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }] }));
  const parse: number[] = [];
  const asText: number[] = [];
  const asObject: number[] = [];
  for (let round = 0; round < 3; round += 1) await once(text), await once(value);
  for (let round = 0; round < 9; round += 1) {
    let start = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - start);
    asText.push(await once(text));
    asObject.push(await once(value));
    start = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - start);
  }
  const floor = median(parse);
  const [textMs, objectMs] = [median(asText), median(asObject)];
  console.log(`\n1 MB result: JSON.parse ${floor.toFixed(1)} ms (${(megabytes / (floor / 1_000)).toFixed(0)} MB/s); scan as text ${textMs.toFixed(1)} ms, as object ${objectMs.toFixed(1)} ms`);
  target({ name: '1 MB JSON text scan', floor: 'absolute', value: megabytes / (textMs / 1_000), unit: 'MB/s', limit: 100, kind: 'min' });
  target({ name: '1 MB object scan', floor: 'absolute', value: megabytes / (objectMs / 1_000), unit: 'MB/s', limit: 100, kind: 'min' });
  target({ name: '1 MB JSON text scan / JSON.parse', floor: 'JSON.parse of the text', value: textMs / floor, unit: 'x', limit: 2, kind: 'max' });
  target({ name: '1 MB object scan / JSON.parse', floor: 'JSON.parse of the text', value: objectMs / floor, unit: 'x', limit: 2, kind: 'max' });


  // The longest the event loop waits while a 10 MB result is scanned (as text, then as an object): the
  // time between two turns of the loop, on a clock that bounds the main thread's own time whatever the
  // machine's load (blockClock), and the wall time the loop monitor saw.
  const big = records(10_000_000);
  const bigText = JSON.stringify(big);
  const clock = blockClock();
  // Measured on a second pass. Building these 10 MB (about 45 MB of live objects, and the text) makes a
  // major collection due; the first scan that allocates enough (the text's) takes its final pause, 30-50
  // ms here, marking the bench's own 45 MB (after it, V8 raises its limit). Printed, not held to the bound.
  const first = await longestBlocks(clock, [bigText, big], once);
  const { blocks, walls } = await longestBlocks(clock, [bigText, big], once);
  console.log(`10 MB result: longest block ${blocks.map((ms) => ms.toFixed(1)).join(` ms ${clock.name} (text), `)} ms ${clock.name} (object); wall, with the machine's load: ${walls.map((ms) => ms.toFixed(1)).join(' / ')} ms`);
  console.log(`  (first pass, which takes the pause of the major collection the 10 MB of setup made due: ${first.blocks.map((ms) => ms.toFixed(1)).join(' / ')} ms)`);
  target({ name: `longest event-loop block (${clock.name}), 10 MB result`, floor: 'absolute', value: Math.max(...blocks), unit: 'ms', limit: 20, kind: 'max' });

  // The same with the recorder every production guard has: the result redacted and written to a JSONL file
  // (a slice at a time since 2026-11-28; before, its redaction alone held the loop about 100 ms per MB of records).
  const folder = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const sink = new JsonlFileSink(join(folder, 'trace.jsonl'));
  const onceRecorded = timedResult(createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }], sink }));
  const recordedRuns: number[] = [];
  const plainRuns: number[] = [];
  for (let round = 0; round < 9; round += 1) recordedRuns.push(await onceRecorded(value)), plainRuns.push(await once(value));
  await longestBlocks(clock, [bigText, big], onceRecorded);
  const withSink = await longestBlocks(clock, [bigText, big], onceRecorded);
  sink.close();
  rmSync(folder, { recursive: true, force: true });
  console.log(`1 MB object result recorded to a JSONL file (redacted): ${median(recordedRuns.slice(2)).toFixed(1)} ms, without a sink ${median(plainRuns.slice(2)).toFixed(1)} ms`);
  console.log(`10 MB result recorded: longest block ${withSink.blocks.map((ms) => ms.toFixed(1)).join(' / ')} ms ${clock.name} (text / object); wall ${withSink.walls.map((ms) => ms.toFixed(1)).join(' / ')} ms`);
  target({ name: `longest event-loop block (${clock.name}), 10 MB result recorded`, floor: 'absolute', value: Math.max(...withSink.blocks), unit: 'ms', limit: 20, kind: 'max' });


  // (After the blocks: its garbage would land in their measurement.) Prose costs more per MB than records: every word is a token, and the injection rules' anchor words
  // are common in it. 1 MB of the installed packages' READMEs (Markdown, some of it outside ASCII), as a fetched page.
  let prose = '';
  for (const item of packageDocs()) if (item.kind === 'readme' && prose.length < 1_000_000) prose += `${item.text}\n`;
  const page = { url: 'https://docs.example/page', content: prose.slice(0, 1_000_000) };
  const proseRuns: number[] = [];
  for (let round = 0; round < 9; round += 1) proseRuns.push(await once(page));
  const proseMs = median(proseRuns.slice(2));
  console.log(`1 MB of documentation prose (READMEs under node_modules): scan ${proseMs.toFixed(1)} ms (${(1 / (proseMs / 1_000)).toFixed(0)} MB/s)`);

  // The records above hold no injection anchor, and the rules skip string chunks without one. The same
  // records with an anchor word in every third note: every chunk is read by the rules, as before that skip.
  const anchored = value.map((record, index) => (index % 3 === 0 ? { ...record, note: `${record.note as string} Thank you.` } : record));
  const anchoredText = JSON.stringify(anchored);
  const anchoredRuns: number[] = [];
  for (let round = 0; round < 11; round += 1) anchoredRuns.push(await once(anchoredText));
  const anchoredMs = median(anchoredRuns.slice(2));
  console.log(`1 MB of the same records, "you" in every third note (no chunk skipped): scan as text ${anchoredMs.toFixed(1)} ms (${(anchoredText.length / 1e6 / (anchoredMs / 1_000)).toFixed(0)} MB/s)`);
}

/**
 * The longest the event loop waits while each result is scanned: the time between two turns of the
 * loop, on a clock that bounds the main thread's own time whatever the machine's load (blockClock), and
 * the wall time the loop monitor saw.
 */
async function longestBlocks(clock: { now: () => number }, results: unknown[], once: (result: unknown) => Promise<number>): Promise<{ blocks: number[]; walls: number[] }> {
  const blocks: number[] = [];
  const walls: number[] = [];
  for (const result of results) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    let longest = 0;
    let running = true;
    let last = clock.now();
    const tick = () => {
      const now = clock.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    delay.enable();
    await once(result);
    running = false;
    delay.disable();
    blocks.push(longest);
    walls.push(delay.max / 1e6);
  }
  return { blocks, walls };
}

/**
 * A clock for how long the main thread holds the event loop: between two reads it advances by the
 * smaller of wall time and process CPU time. Both bound the main thread's own time from above: wall
 * time also counts a loaded machine's preemption, process CPU time the garbage collector's helper
 * threads (which doubled the figure on two cores). (The main thread's own CPU count in /proc moves in
 * scheduler ticks of 4 ms here: too coarse for a 20 ms bound.)
 */
function blockClock(): { name: string; now: () => number } {
  let wall = performance.now();
  let cpu = processCpuMs();
  let bounded = 0;
  return {
    name: 'min(wall, CPU)',
    now: () => {
      const [nextWall, nextCpu] = [performance.now(), processCpuMs()];
      bounded += Math.min(nextWall - wall, nextCpu - cpu);
      [wall, cpu] = [nextWall, nextCpu];
      return bounded;
    },
  };
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}
