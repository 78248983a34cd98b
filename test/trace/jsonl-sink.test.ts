import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard } from '../../src/index.js';
import { JsonlFileSink, MASK_FAILED } from '../../src/trace/sinks.js';
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
