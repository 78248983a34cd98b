import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard } from '../../src/index.js';
import { JsonlFileSink, MASK_FAILED, MemorySink, teeSinks, createRedactor } from '../../src/trace/sinks.js';
import type { TraceEvent } from '../../src/trace/index.js';
import { readTrace } from '../../src/trace/index.js';
import { ORDER_TOOLS } from '../helpers/guard.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-recorder-'));
const FIXTURE = fileURLToPath(new URL('../fixtures/record-until-killed.mjs', import.meta.url));

function lines(path: string) {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
}

describe('recorder', () => {
  it('writes every event and decision as trace v1, readable back without a problem', async () => {
    const path = join(dir, 'session.jsonl');
    const sink = new JsonlFileSink(path);
    const session = await createGuard({ tools: ORDER_TOOLS, sink }).startSession({ sessionId: 'r1' });
    await session.message('user', 'order ord_1001');
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { status: 'shipped' } });
    await session.end('completed', 'shipped');
    sink.close();
    const read = [];
    for await (const line of readTrace(path)) read.push(line);
    expect(read.every((line) => line.error === undefined)).toBe(true);
    expect(read.map((line) => line.event!.type)).toEqual(['session.start', 'tool.definitions', 'message', 'tool.call', 'guard.decision', 'tool.result', 'guard.decision', 'session.end']);
  });

  it('masks secrets by default, keeping keys and structure', async () => {
    const path = join(dir, 'secrets.jsonl');
    const sink = new JsonlFileSink(path);
    const session = await createGuard({ tools: ORDER_TOOLS, sink }).startSession({ sessionId: 'r2' });
    await session.message('user', 'my key is sk-proj-abcdefghijklmnop1234 and db is postgres://admin:hunter2@db.local/orders');
    await session.beforeToolCall({ callId: 'c1', tool: 'search', arguments: { query: 'q', headers: { Authorization: 'Bearer abc.def.ghijklmnop', password: 'p4ssw0rd!' } } });
    sink.close();
    const text = readFileSync(path, 'utf8');
    for (const secret of ['sk-proj-abcdefghijklmnop1234', 'hunter2', 'abc.def.ghijklmnop', 'p4ssw0rd!']) expect(text).not.toContain(secret);
    const call = lines(path).map((line) => JSON.parse(line)).find((event) => event.type === 'tool.call');
    expect(call.arguments).toEqual({ query: 'q', headers: { Authorization: '[REDACTED]', password: '[REDACTED]' } });
    expect(text).toContain('postgres://admin:[REDACTED]@db.local/orders');
  });

  it('applies a user mask, and writes a placeholder, never the raw value, when it throws', async () => {
    const path = join(dir, 'mask.jsonl');
    const sink = new JsonlFileSink(path, {
      redact: {
        mask: (value) => {
          if (value.includes('boom')) throw new Error('mask bug');
          return value.replace(/\b\d{3}-\d{2}-\d{4}\b/g, '***-**-****');
        },
      },
    });
    const session = await createGuard({ sink }).startSession({ sessionId: 'r3' });
    await session.message('user', 'SSN 123-45-6789');
    await session.message('user', 'boom secret-value');
    sink.close();
    const messages = lines(path).map((line) => JSON.parse(line)).filter((event) => event.type === 'message');
    expect(messages.map((event) => event.content)).toEqual(['SSN ***-**-****', MASK_FAILED]);
  });

  it('keeps strings valid UTF-8 and truncates oversized values with a marker', async () => {
    const path = join(dir, 'utf8.jsonl');
    const sink = new JsonlFileSink(path, { redact: { maxStringLength: 100 } });
    const session = await createGuard({ sink }).startSession({ sessionId: 'r4' });
    await session.message('user', `broken \uD800 surrogate`);
    await session.message('user', 'x'.repeat(1_000));
    sink.close();
    const bytes = readFileSync(path);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toContain('broken \uFFFD surrogate');
    const long = lines(path).map((line) => JSON.parse(line)).filter((event) => event.type === 'message')[1].content;
    expect(long).toBe(`${'x'.repeat(100)}…[truncated 900 chars]`);
  });

  it('writes content unchanged when redaction is turned off', async () => {
    const path = join(dir, 'raw.jsonl');
    const sink = new JsonlFileSink(path, { redact: false });
    const session = await createGuard({ sink }).startSession({ sessionId: 'r5' });
    await session.message('user', 'token=abcdefgh1234');
    sink.close();
    expect(readFileSync(path, 'utf8')).toContain('token=abcdefgh1234');
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('loses nothing already written when the recording process gets %s', async (signal) => {
    const path = join(dir, `killed-${signal}.jsonl`);
    const child = spawn(process.execPath, [FIXTURE, path], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        let size = 0;
        try {
          size = statSync(path).size;
        } catch {}
        if (size > 200_000) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > 20_000) {
          clearInterval(poll);
          reject(new Error('recorder child wrote too little'));
        }
      }, 20);
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill(signal);
    await exited;
    const recorded = lines(path);
    expect(recorded.length).toBeGreaterThan(500);
    const parsed = recorded.map((line) => JSON.parse(line) as { step: number });
    parsed.forEach((event, index) => expect(event.step).toBe(index));
  }, 30_000);
});

/** A result of `count` records, some with a secret in them: large enough to be redacted and written in slices. */
function orderRecords(count: number, extra?: (index: number) => Record<string, unknown>) {
  return Array.from({ length: count }, (_, index) => ({
    order_id: `ord_${index}`,
    status: 'shipped',
    note: index % 1_000 === 0 ? `callback https://x.example/cb?access_token=tok${index}secret` : `left at the door ${index}`,
    ...extra?.(index),
  }));
}

describe('recorder: large events', () => {
  it('a large result is written whole and in step order, with its secrets masked, before its decision returns', async () => {
    const path = join(dir, 'large.jsonl');
    const sink = new JsonlFileSink(path);
    const session = await createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }], sink }).startSession({ sessionId: 'big-1' });
    const result = orderRecords(60_000);
    await session.beforeToolCall({ callId: 'c1', tool: 'export_orders', arguments: {} });
    const decision = await session.afterToolCall({ callId: 'c1', tool: 'export_orders', result });
    expect(decision.proceed).toBe(true);
    // Written by the time the decision is returned (the sink is not closed yet).
    const events = lines(path).map((line) => JSON.parse(line) as { step: number; type: string; result?: unknown });
    expect(events.map((event) => event.type)).toEqual(['session.start', 'tool.definitions', 'tool.call', 'guard.decision', 'tool.result', 'guard.decision']);
    expect(events.map((event) => event.step)).toEqual([0, 1, 2, 3, 4, 5]);
    const recorded = events[4]!.result as Array<{ note: string }>;
    expect(recorded).toHaveLength(60_000);
    expect(recorded[1_000]!.note).toBe('callback https://x.example/cb?access_token=[REDACTED]');
    expect(recorded).toEqual(createRedactor()({ result }).result);
    sink.close();
  });

  it('events of other sessions written meanwhile follow it in the file, and each session keeps its step order', async () => {
    const path = join(dir, 'interleaved.jsonl');
    const sink = new JsonlFileSink(path);
    const guard = createGuard({ tools: [...ORDER_TOOLS, { name: 'export_orders', input_schema: { type: 'object' } }], sink });
    const big = await guard.startSession({ sessionId: 'big' });
    const small = await guard.startSession({ sessionId: 'small' });
    await big.beforeToolCall({ callId: 'b1', tool: 'export_orders', arguments: {} });
    const pending = big.afterToolCall({ callId: 'b1', tool: 'export_orders', result: orderRecords(60_000) });
    await small.message('user', 'Where is ord_1001?');
    await small.beforeToolCall({ callId: 's1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    await pending;
    sink.close();
    const events = lines(path).map((line) => JSON.parse(line) as { session_id: string; step: number });
    for (const id of ['big', 'small']) {
      const steps = events.filter((event) => event.session_id === id).map((event) => event.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(new Set(steps).size).toBe(steps.length);
    }
    expect(events.filter((event) => event.session_id === 'small').map((event) => (event as unknown as { type: string }).type)).toEqual(['session.start', 'tool.definitions', 'message', 'tool.call', 'guard.decision']);
  });

  it('a result the trace cannot take fails closed the same way, small or large (a BigInt in it)', async () => {
    for (const count of [3, 60_000]) {
      const path = join(dir, `bigint-${count}.jsonl`);
      const sink = new JsonlFileSink(path);
      const guard = createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }], sink });
      const errors: Error[] = [];
      guard.on('error', ({ error }) => errors.push(error));
      const session = await guard.startSession({ sessionId: `bigint-${count}` });
      await session.beforeToolCall({ callId: 'c1', tool: 'export_orders', arguments: {} });
      const result = orderRecords(count, (index) => (index === count - 1 ? { amount: 10n } : {}));
      const decision = await session.afterToolCall({ callId: 'c1', tool: 'export_orders', result });
      expect(decision.proceed).toBe(false);
      expect(decision.flags).toContainEqual(expect.objectContaining({ code: 'GUARD_ERROR', evidence: { stage: 'record' } }));
      expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/BigInt/)]);
      sink.close();
      expect(lines(path).map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['session.start', 'tool.definitions', 'tool.call', 'guard.decision', 'guard.decision']);
    }
  });

  it('a sparse array of 2^32 - 1 places in a result is recorded within the value bound, and the call still decided', async () => {
    const path = join(dir, 'sparse.jsonl');
    const sink = new JsonlFileSink(path);
    const session = await createGuard({ tools: [{ name: 'export_orders', input_schema: { type: 'object' } }], sink }).startSession({ sessionId: 'sparse' });
    await session.beforeToolCall({ callId: 'c1', tool: 'export_orders', arguments: {} });
    const decision = await session.afterToolCall({ callId: 'c1', tool: 'export_orders', result: { rows: new Array(2 ** 32 - 1) } });
    expect(decision.proceed).toBe(false);
    sink.close();
    const recorded = lines(path).map((line) => JSON.parse(line) as { type: string; result?: { rows: unknown[] } });
    const rows = recorded.find((event) => event.type === 'tool.result')!.result!.rows;
    expect(rows.length).toBeLessThanOrEqual(1_000_001);
    expect(rows.at(-1)).toBe('[truncated: more than 1000000 values]');
  });

  it('close writes what waits first; a tee waits for every sink and records the same event in each', async () => {
    const path = join(dir, 'close.jsonl');
    const file = new JsonlFileSink(path);
    const memory = new MemorySink();
    const tee = teeSinks(file, memory);
    const large = { type: 'tool.result', session_id: 't', step: 1, ts: '2026-11-28T00:00:00.000Z', call_id: 'c', tool: 'export', result: orderRecords(60_000) } as TraceEvent;
    const small = { type: 'session.end', session_id: 't', step: 2, ts: '2026-11-28T00:00:01.000Z', status: 'completed' } as TraceEvent;
    const written = tee.write(large);
    tee.write(small);
    file.close();
    await written;
    expect(lines(path).map((line) => (JSON.parse(line) as { step: number }).step)).toEqual([1, 2]);
    expect(memory.events).toEqual([large, small]);
  });
});

