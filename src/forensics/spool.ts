import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { isReopenable, type ReopenableTrace } from '../replay.js';
import type { TraceInput, TraceItem } from '../trace/reader.js';

/** Where a trace is read from: a re-readable one (file, reopening function) or a one-shot input. */
export type TraceSource = ReopenableTrace | TraceInput;

function lineOf(item: TraceItem): string {
  if (typeof item === 'string') return item.replace(/\r?\n/g, ' ');
  const record = item as Record<string, unknown>;
  if (typeof record.line === 'number' && typeof record.text === 'string' && !('session_id' in record)) return record.text.replace(/\r?\n/g, ' ');
  if (typeof record.line === 'number' && ('event' in record || 'error' in record) && !('session_id' in record)) {
    // A line read elsewhere: its event, or a line the reader will reject the same way.
    return record.event === undefined ? `! ${String(record.error)}` : JSON.stringify(record.event);
  }
  return JSON.stringify(item);
}

/**
 * Runs `work` on a trace it can read several times. A one-shot input (stdin, an iterable) is first
 * copied to a temporary file, streamed with backpressure, and removed afterwards: forensics reads a
 * trace more than once, and memory stays bounded by what is open, not by the size of the input.
 */
export async function withReopenable<T>(source: TraceSource, work: (trace: ReopenableTrace) => Promise<T>): Promise<T> {
  if (isReopenable(source)) return work(source);
  const dir = await mkdtemp(join(tmpdir(), 'warden-trace-'));
  const path = join(dir, 'trace.jsonl');
  try {
    const out = createWriteStream(path, { encoding: 'utf8' });
    const input = source as TraceInput;
    const items: AsyncIterable<TraceItem> | Iterable<TraceItem> =
      typeof (input as { pipe?: unknown }).pipe === 'function' ? (await import('node:readline')).createInterface({ input: input as NodeJS.ReadableStream, crlfDelay: Infinity }) : (input as AsyncIterable<TraceItem>);
    for await (const item of items) {
      if (!out.write(`${lineOf(item)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
