import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/index.js';
import { RotatingJsonlSink } from '../../src/trace/sinks.js';
import type { TraceEvent } from '../../src/trace/events.js';

const DAY = 86_400_000;
const event = (step: number, extra: Record<string, unknown> = {}) => ({ session_id: 's1', step, type: 'message', role: 'user', content: `hello ${step}`, ...extra }) as TraceEvent;

function lines(path: string): TraceEvent[] {
  const text = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as TraceEvent);
}

describe('rotating recorder', () => {
  it('writes one file per UTC day and compresses the closed ones', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    let now = Date.parse('2026-11-24T23:59:00Z');
    const sink = new RotatingJsonlSink({ directory, clock: () => now });
    sink.write(event(0));
    sink.write(event(1));
    now += 2 * 60_000;
    sink.write(event(2));
    await sink.idle();
    expect(readdirSync(directory).sort()).toEqual(['trace-2026-11-24.0000.jsonl.gz', 'trace-2026-11-25.0000.jsonl']);
    await sink.close();
    expect(readdirSync(directory).sort()).toEqual(['trace-2026-11-24.0000.jsonl.gz', 'trace-2026-11-25.0000.jsonl.gz']);
    const files = sink.files();
    expect(files.flatMap((file) => lines(file).map((line) => line.step))).toEqual([0, 1, 2]);
  });

  it('a large event is written in parts but never split between files, and the events after it follow it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const sink = new RotatingJsonlSink({ directory, maxBytes: 200, compress: false, clock: () => Date.parse('2026-11-25T10:00:00Z') });
    const records = Array.from({ length: 40_000 }, (_, index) => ({ order_id: `ord_${index}`, note: `left at the door ${index}` }));
    sink.write(event(0));
    const large = sink.write({ session_id: 's1', step: 1, type: 'tool.result', call_id: 'c1', tool: 'export', result: records } as TraceEvent);
    sink.write(event(2));
    await large;
    await sink.close();
    const files = sink.files();
    const read = files.map((file) => lines(file));
    expect(read.flat().map((line) => line.step)).toEqual([0, 1, 2]);
    const holding = read.find((fileLines) => fileLines.some((line) => line.step === 1))!;
    // Whole in one file (each file's lines parse), and the file full after it: the next event starts the next file.
    expect((holding.find((line) => line.step === 1) as { result: unknown }).result).toEqual(records);
    expect(read.findIndex((fileLines) => fileLines.some((line) => line.step === 2))).toBe(read.indexOf(holding) + 1);
  });

  it('starts a new file when the current one reaches maxBytes, and keeps them in order by name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const sink = new RotatingJsonlSink({ directory, maxBytes: 200, compress: false, clock: () => Date.parse('2026-11-25T10:00:00Z') });
    for (let step = 0; step < 12; step += 1) sink.write(event(step));
    await sink.close();
    const files = sink.files();
    expect(files.length).toBeGreaterThan(3);
    expect(files.flatMap((file) => lines(file).map((line) => line.step))).toEqual([...Array(12).keys()]);
    expect(files.map((file) => file.slice(-16))).toEqual([...files.map((file) => file.slice(-16))].sort());
  });

  it('deletes files older than the retention (30 days by default), and only its own files', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    for (const name of ['trace-2026-10-01.0000.jsonl.gz', 'trace-2026-10-25.0000.jsonl.gz', 'trace-2026-10-26.0000.jsonl.gz', 'notes-2020-01-01.txt', 'other-2020-01-01.0000.jsonl']) writeFileSync(join(directory, name), '');
    let now = Date.parse('2026-11-25T12:00:00Z');
    const sink = new RotatingJsonlSink({ directory, clock: () => now });
    sink.write(event(0));
    await sink.idle();
    expect(readdirSync(directory).sort()).toEqual(['notes-2020-01-01.txt', 'other-2020-01-01.0000.jsonl', 'trace-2026-10-26.0000.jsonl.gz', 'trace-2026-11-25.0000.jsonl']);
    // A day later, the day of 2026-10-26 is past the retention too.
    now += DAY;
    sink.write(event(1));
    await sink.close();
    expect(readdirSync(directory).filter((name) => name.startsWith('trace-')).sort()).toEqual(['trace-2026-11-25.0000.jsonl.gz', 'trace-2026-11-26.0000.jsonl.gz']);
  });

  it('continues today\'s file after a restart, and compresses what an earlier process left open', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    writeFileSync(join(directory, 'trace-2026-11-20.0000.jsonl'), `${JSON.stringify(event(0))}\n`);
    const clock = () => Date.parse('2026-11-25T08:00:00Z');
    const first = new RotatingJsonlSink({ directory, clock });
    first.write(event(0, { session_id: 'today' }));
    // A crash: no close. The next process appends to the same file.
    const second = new RotatingJsonlSink({ directory, clock });
    second.write(event(1, { session_id: 'today' }));
    await second.close();
    expect(existsSync(join(directory, 'trace-2026-11-20.0000.jsonl'))).toBe(false);
    expect(lines(join(directory, 'trace-2026-11-20.0000.jsonl.gz'))).toHaveLength(1);
    expect(lines(join(directory, 'trace-2026-11-25.0000.jsonl.gz')).map((line) => line.step)).toEqual([0, 1]);
  });

  it('redacts as the file recorder does, and works as a guard sink', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const sink = new RotatingJsonlSink({ directory, compress: false });
    const guard = createGuard({ sink });
    const session = await guard.startSession({ sessionId: 'redacted' });
    await session.message('user', 'my key is sk-live-abcdefghijklmnopqrstuvwxyz0123456789');
    await sink.close();
    const text = sink.files().map((file) => readFileSync(file, 'utf8')).join('');
    expect(text).toContain('"session_id":"redacted"');
    expect(text).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('rejects nonsense options with a clear error', () => {
    const directory = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    expect(() => new RotatingJsonlSink({ directory, retentionDays: 0 })).toThrow(/retentionDays/);
    expect(() => new RotatingJsonlSink({ directory, maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => new RotatingJsonlSink({ directory, prefix: '../x' })).toThrow(/prefix/);
  });
});
