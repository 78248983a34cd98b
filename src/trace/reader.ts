import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { TraceEvent } from './events.js';
import { eventProblem, isKnownEvent } from './validate.js';

export type TraceLine = { line: number; event: TraceEvent; error?: undefined } | { line: number; event?: undefined; error: string };

/** One item of a trace already split into lines: a JSON line, a parsed event, or a line read elsewhere (with its number). */
export type TraceItem = string | TraceEvent | TraceLine | Record<string, unknown>;

/**
 * What a trace can be read from: a file path, a byte stream (stdin), or lines and events from any
 * (async) iterable, such as the CLI's reader of files, folders and stdin.
 */
export type TraceInput = string | Readable | AsyncIterable<TraceItem> | Iterable<TraceItem>;

export interface ReadTraceOptions {
  /**
   * Each session's last step, for the order check. Owned by the caller, so a reader of a long trace
   * can forget sessions it has closed: memory stays bounded by the sessions open at once.
   */
  lastStep?: Map<string, number>;
}

function isByteStream(input: unknown): input is Readable {
  return input instanceof Readable || (typeof input === 'object' && input !== null && typeof (input as Readable).pipe === 'function' && typeof (input as Readable).read === 'function');
}

function isTraceLine(item: object): item is TraceLine {
  const line = item as Record<string, unknown>;
  return typeof line.line === 'number' && ('event' in line || 'error' in line) && !('session_id' in line);
}

/** The raw items of any input: text lines (numbered from 1), or items as given. */
async function* items(input: TraceInput): AsyncGenerator<TraceItem> {
  if (typeof input === 'string' || isByteStream(input)) {
    const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
    yield* createInterface({ input: stream, crlfDelay: Infinity });
    return;
  }
  yield* input as AsyncIterable<TraceItem>;
}

/**
 * Streams a trace, one result per non-blank line, in bounded memory: a valid event, or the reason
 * the line was skipped (not JSON, a missing field, a step not after the session's previous step).
 * Events of unknown types are skipped silently, as the spec asks of readers.
 */
export async function* readTrace(input: TraceInput, options: ReadTraceOptions = {}): AsyncGenerator<TraceLine> {
  const lastStep = options.lastStep ?? new Map<string, number>();
  let number = 0;
  for await (const item of items(input)) {
    number += 1;
    let parsed: unknown;
    let line = number;
    if (typeof item === 'string') {
      if (item.trim() === '') continue;
      try {
        parsed = JSON.parse(item);
      } catch (error) {
        yield { line, error: `not valid JSON (${(error as Error).message})` };
        continue;
      }
    } else if (item !== null && typeof item === 'object' && isTraceLine(item)) {
      line = item.line;
      if (item.error !== undefined) {
        yield { line, error: item.error };
        continue;
      }
      parsed = item.event;
    } else parsed = item;
    const problem = eventProblem(parsed);
    if (problem) {
      yield { line, error: problem };
      continue;
    }
    const event = parsed as TraceEvent;
    const previous = lastStep.get(event.session_id);
    if (previous !== undefined && event.step <= previous) {
      yield { line, error: `step ${event.step} is not after step ${previous} of session ${event.session_id}` };
      continue;
    }
    lastStep.set(event.session_id, event.step);
    if (isKnownEvent(event)) yield { line, event };
  }
}
