import type { Readable } from 'node:stream';
import type { TraceEvent } from './events.js';
import { readInputLines, splitLines, type LineOptions, type SourceLine } from './input.js';
import { printable } from './printable.js';
import { eventProblem, isKnownEvent } from './validate.js';

export type TraceLine = { line: number; source?: string; event: TraceEvent; error?: undefined } | { line: number; source?: string; event?: undefined; error: string };

/** A line a reader skipped, and why; `source` names the file when there are several. */
export interface TraceProblem {
  line: number;
  reason: string;
  source?: string;
}

/** What a trace is read from: a file path (plain or gzip), a stream, or lines already split (several files, stdin). */
export type TraceInputSource = string | Readable | AsyncIterable<SourceLine>;

function linesOf(input: TraceInputSource, options: LineOptions): AsyncIterable<SourceLine> {
  if (typeof input === 'string') return readInputLines([{ kind: 'file', path: input }], options);
  if (typeof (input as Readable).pipe === 'function') return splitLines(input as Readable, 'stream', options);
  return input as AsyncIterable<SourceLine>;
}

/**
 * Streams a trace, one result per non-blank line, in bounded memory: a valid event, or the reason
 * the line was skipped (not JSON, a missing field or one of the wrong type, a step not after the
 * session's previous step). Events of unknown types are skipped silently, as docs/trace-format.md asks.
 */
export async function* readTrace(input: TraceInputSource, options: LineOptions = {}): AsyncGenerator<TraceLine> {
  const lastStep = new Map<string, number>();
  const named = typeof input !== 'string' && typeof (input as Readable).pipe !== 'function';
  for await (const { source, line: number, text, error } of linesOf(input, options)) {
    const where = named ? { source } : {};
    if (error !== undefined) {
      yield { line: number, ...where, error };
      continue;
    }
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // V8's message quotes the input: shown escaped and short, never raw bytes.
      yield { line: number, ...where, error: `not valid JSON (${printable((error as Error).message, 160)})` };
      continue;
    }
    const problem = eventProblem(parsed);
    if (problem) {
      yield { line: number, ...where, error: problem };
      continue;
    }
    const event = parsed as TraceEvent;
    const previous = lastStep.get(event.session_id);
    if (previous !== undefined && event.step <= previous) {
      yield { line: number, ...where, error: `step ${event.step} is not after step ${previous} of session ${printable(event.session_id, 80)}` };
      continue;
    }
    lastStep.set(event.session_id, event.step);
    if (isKnownEvent(event)) yield { line: number, ...where, event };
  }
}
