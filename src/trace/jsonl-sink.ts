import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEvent } from './events.js';
import type { TraceSink } from './sink.js';
import { redactorOf, type RedactionOptions, type Redactor } from './redact.js';
import { OrderedLines, writePart } from './ordered-lines.js';
import { recordLine } from './record-line.js';

export interface RecorderOptions {
  /** Redaction is on by default; `false` writes content as it is. */
  redact?: boolean | RedactionOptions;
}

/**
 * The recorder: appends each event to a JSONL file in one synchronous write, as it happens. A
 * process killed (SIGTERM, SIGKILL) loses nothing already written; a crash, at most the event being
 * written. Secrets are masked first unless redaction is turned off. An event too large to redact and
 * write within a few milliseconds (a result of a million values) is finished between turns of the event
 * loop: `write` then returns a promise, settled once its line is written, and events written meanwhile
 * follow it in the file (`close` writes whatever waits first).
 */
export class JsonlFileSink implements TraceSink {
  private fd: number | undefined;
  private readonly redactor: Redactor | undefined;
  private readonly lines = new OrderedLines((part) => writePart(this.fd!, part));

  constructor(
    readonly path: string,
    options: RecorderOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    const redaction = options.redact ?? true;
    this.redactor = redaction === false ? undefined : redactorOf(redaction === true ? {} : redaction);
  }

  write(event: TraceEvent): void | Promise<void> {
    if (this.fd === undefined) throw new Error(`trace file ${this.path} is closed`);
    return this.lines.add(recordLine(event, this.redactor));
  }

  /** Writes what waits and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    this.lines.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Keeps events in memory (tests, small tools). */
export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  write(event: TraceEvent): void {
    this.events.push(event);
  }
}

/**
 * Sends every event to several sinks (a file and OpenTelemetry, say); one failing does not stop the others.
 * When a sink finishes an event later (a promise), the tee's write settles when they all have, failing with
 * the first sink's error.
 */
export function teeSinks(...sinks: TraceSink[]): TraceSink {
  return {
    write(event) {
      let failure: unknown;
      let later: Array<Promise<void>> | undefined;
      for (const sink of sinks) {
        try {
          const written = sink.write(event);
          if (written instanceof Promise) (later ??= []).push(written);
        } catch (error) {
          failure ??= error;
        }
      }
      if (later === undefined) {
        if (failure !== undefined) throw failure;
        return;
      }
      const all = Promise.allSettled(later).then((settled) => {
        const rejected = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failure !== undefined) throw failure;
        if (rejected) throw rejected.reason;
      });
      all.catch(() => undefined);
      return all;
    },
  };
}
