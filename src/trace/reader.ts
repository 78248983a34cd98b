import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { TraceEvent } from './events.js';
import { eventProblem, isKnownEvent } from './validate.js';

export type TraceLine = { line: number; event: TraceEvent; error?: undefined } | { line: number; event?: undefined; error: string };

/**
 * Streams a trace, one result per non-blank line, in bounded memory: a valid event, or the reason
 * the line was skipped (not JSON, a missing field, a step not after the session's previous step).
 * Events of unknown types are skipped silently, as the spec asks of readers.
 */
export async function* readTrace(input: string | Readable): AsyncGenerator<TraceLine> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const lastStep = new Map<string, number>();
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line: number, error: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    const problem = eventProblem(parsed);
    if (problem) {
      yield { line: number, error: problem };
      continue;
    }
    const event = parsed as TraceEvent;
    const previous = lastStep.get(event.session_id);
    if (previous !== undefined && event.step <= previous) {
      yield { line: number, error: `step ${event.step} is not after step ${previous} of session ${event.session_id}` };
      continue;
    }
    lastStep.set(event.session_id, event.step);
    if (isKnownEvent(event)) yield { line: number, event };
  }
}
