import { Readable } from 'node:stream';
import type { TraceEvent } from './events.js';
import { BatchedLines, handOut, readInputLineBatches, splitLineBatches, type LineOptions, type SourceLine } from './input.js';
import { printable } from './printable.js';
import { eventProblem, isKnownEvent } from './validate.js';
import { quickSessionId } from './session-id.js';

export type TraceLine = { line: number; source?: string; event: TraceEvent; error?: undefined } | { line: number; source?: string; event?: undefined; error: string };

/** A line a reader skipped, and why; `source` names the file when there are several. */
export interface TraceProblem {
  line: number;
  reason: string;
  source?: string;
}

/** What a trace is read from: a file path (plain or gzip), a stream, or lines already split (several files, stdin). */
export type TraceInputSource = string | Readable | AsyncIterable<SourceLine>;

/** One item of a trace already split into lines: a JSON line, a parsed event, a numbered line read elsewhere. */
export type TraceItem = string | SourceLine | TraceLine | TraceEvent | Record<string, unknown>;

/** Any trace input: a file, a stream, numbered lines (the CLI's), or lines and events from any (async) iterable. */
export type TraceInput = TraceInputSource | AsyncIterable<TraceItem> | Iterable<TraceItem>;

export interface ReadTraceOptions extends LineOptions {
  /**
   * Each session's last step, for the order check. Owned by the caller, so a reader of a long trace
   * can forget sessions it has closed: memory stays bounded by the sessions open at once.
   */
  lastStep?: Map<string, number>;
  /**
   * Set to the ordinal of each item read from the input (from 1; blank and skipped lines count) before
   * its result is yielded: a reader that reads a trace twice matches lines between passes by it.
   */
  position?: { item: number };
  /**
   * Only events of the sessions this accepts are wanted: no other event and no skipped line is
   * yielded, and a line of another session is not even parsed when its session can be read without.
   */
  only?(sessionId: string): boolean;
  /**
   * Called with every item that gives no event (a line skipped or not wanted, a blank line, an event of
   * an unknown type), after `position` is set and before anything for it is yielded: a reader that
   * closes sessions by position (`SessionEnds`) learns the session such a line names from it.
   */
  passedOver?(item: TraceItem): void;
}

function isByteStream(input: unknown): input is Readable {
  return input instanceof Readable || (typeof input === 'object' && input !== null && typeof (input as Readable).pipe === 'function');
}

/**
 * The items of any trace input, as `readTrace` reads them: a file's or a byte stream's lines as
 * `BatchedLines` (a chunk's lines at a time to a reader that knows them), any other input as it is.
 */
export function traceItems(input: TraceInput, options: LineOptions = {}): AsyncIterable<TraceItem> | Iterable<TraceItem> {
  if (typeof input === 'string') return new BatchedLines(readInputLineBatches([{ kind: 'file', path: input }], options), options.cursor);
  if (isByteStream(input)) return new BatchedLines(splitLineBatches(input as Readable, 'stream', options), options.cursor);
  return input as AsyncIterable<TraceItem>;
}

/**
 * Calls `each` with every item of a trace input, in order. Lines read a chunk at a time are handed
 * out from their batch: a million-line trace is not a million waits for the next line.
 */
export async function forEachTraceItem(items: AsyncIterable<TraceItem> | Iterable<TraceItem>, each: (item: TraceItem) => void): Promise<void> {
  if (items instanceof BatchedLines) {
    for await (const batch of items.batches()) for (const line of batch) each(handOut(line, items.cursor));
  } else for await (const item of items) each(item);
}

/** A numbered line (the CLI's `SourceLine`, or a `TraceLine` read elsewhere), not an event. */
export function numbered(item: object): { line: number; source?: string; text?: string; event?: unknown; error?: string } | undefined {
  const record = item as Record<string, unknown>;
  if (typeof record.line !== 'number' || 'session_id' in record) return undefined;
  if (!('text' in record || 'error' in record || 'event' in record)) return undefined;
  return record as { line: number; source?: string; text?: string; event?: unknown; error?: string };
}

/**
 * Streams a trace, one result per non-blank line, in bounded memory: a valid event, or the reason
 * the line was skipped (not JSON, a missing field or one of the wrong type, a step not after the
 * session's previous step). Events of unknown types are skipped silently, as docs/trace-format.md asks.
 */
export async function* readTrace(input: TraceInput, options: ReadTraceOptions = {}): AsyncGenerator<TraceLine> {
  const read = lineReader(typeof input !== 'string' && !isByteStream(input), options);
  const items = traceItems(input, options);
  if (items instanceof BatchedLines) {
    // A chunk's lines at a time: one wait per chunk, not per line.
    for await (const batch of items.batches()) {
      for (const line of batch) {
        const result = read(handOut(line, items.cursor));
        if (result !== undefined) yield result;
      }
    }
  } else {
    for await (const item of items) {
      const result = read(item);
      if (result !== undefined) yield result;
    }
  }
}

/** What `readTrace` makes of each item in turn: an event, a skipped line and why, or nothing (blank, unknown type, not wanted). */
function lineReader(named: boolean, options: ReadTraceOptions): (item: TraceItem) => TraceLine | undefined {
  const judge = lineJudge(named, options);
  const { passedOver } = options;
  if (!passedOver) return judge;
  return (item) => {
    const result = judge(item);
    if (result?.event === undefined) passedOver(item);
    return result;
  };
}

/** The event, the reason for skipping, or nothing, for one item: `lineReader` without the hook. */
function lineJudge(named: boolean, options: ReadTraceOptions): (item: TraceItem) => TraceLine | undefined {
  const { position, only } = options;
  const lastStep = options.lastStep ?? new Map<string, number>();
  let count = 0;
  return (item) => {
    count += 1;
    if (position) position.item = count;
    let number = count;
    let source: string | undefined;
    let text: string | undefined;
    let parsed: unknown;
    const line = typeof item === 'object' && item !== null ? numbered(item) : undefined;
    if (typeof item === 'string') text = item;
    else if (line) {
      number = line.line;
      source = line.source;
      if (line.error !== undefined) return only ? undefined : { line: number, ...(named && source !== undefined ? { source } : {}), error: line.error };
      if (line.text !== undefined) text = line.text;
      else parsed = line.event;
    } else parsed = item;
    const where = named && source !== undefined ? { source } : {};
    if (text !== undefined) {
      if (text.trim() === '') return undefined;
      if (only) {
        const sessionId = quickSessionId(text);
        if (sessionId !== undefined && !only(sessionId)) return undefined;
      }
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        // V8's message quotes the input: shown escaped and short, never raw bytes.
        return only ? undefined : { line: number, ...where, error: `not valid JSON (${printable((error as Error).message, 160)})` };
      }
    }
    const problem = eventProblem(parsed);
    if (problem) return only ? undefined : { line: number, ...where, error: problem };
    const event = parsed as TraceEvent;
    if (only && !only(event.session_id)) return undefined;
    const previous = lastStep.get(event.session_id);
    if (previous !== undefined && event.step <= previous) {
      return only ? undefined : { line: number, ...where, error: `step ${event.step} is not after step ${previous} of session ${printable(event.session_id, 80)}` };
    }
    lastStep.set(event.session_id, event.step);
    return isKnownEvent(event) ? { line: number, ...where, event } : undefined;
  };
}
