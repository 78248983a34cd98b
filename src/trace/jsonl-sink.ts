import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEvent } from './events.js';
import type { TraceSink } from '../guard.js';

/**
 * Appends each event to a JSONL file as one write, as it happens: a killed process loses nothing
 * already written, and a crash at most the event being written.
 */
export class JsonlFileSink implements TraceSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  write(event: TraceEvent): void {
    if (this.fd === undefined) throw new Error(`trace file ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
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
