import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEvent } from './events.js';
import type { TraceSink } from './sink.js';
import { createRedactor, type RedactionOptions } from './redact.js';

export interface RecorderOptions {
  /** Redaction is on by default; `false` writes content as it is. */
  redact?: boolean | RedactionOptions;
}

/**
 * The recorder: appends each event to a JSONL file in one synchronous write, as it happens. A
 * process killed (SIGTERM, SIGKILL) loses nothing already written; a crash, at most the event being
 * written. Secrets are masked first unless redaction is turned off.
 */
export class JsonlFileSink implements TraceSink {
  private fd: number | undefined;
  private readonly redact: (<T>(event: T) => T) | undefined;

  constructor(
    readonly path: string,
    options: RecorderOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    const redaction = options.redact ?? true;
    this.redact = redaction === false ? undefined : createRedactor(redaction === true ? {} : redaction);
  }

  write(event: TraceEvent): void {
    if (this.fd === undefined) throw new Error(`trace file ${this.path} is closed`);
    const recorded = this.redact ? this.redact(event) : event;
    writeSync(this.fd, `${JSON.stringify(recorded)}\n`);
  }

  close(): void {
    if (this.fd === undefined) return;
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

/** Sends every event to several sinks (a file and OpenTelemetry, say); one failing does not stop the others. */
export function teeSinks(...sinks: TraceSink[]): TraceSink {
  return {
    write(event) {
      let failure: unknown;
      for (const sink of sinks) {
        try {
          sink.write(event);
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
    },
  };
}
