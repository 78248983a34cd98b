import { writeSync } from 'node:fs';
import type { SlicedWork } from '../text/in-slices.js';

/** Time one slice of a record's redaction and serialisation may take before the writer yields. */
export const RECORD_SLICE_MS = 5;

/** A line longer than this is written in parts of WRITE_BYTES, a slice at a time (one write of 10 MB held the loop 20-90 ms). */
const WRITE_WHOLE_CHARS = 262_144;
const WRITE_BYTES = 262_144;

interface Waiting {
  work: SlicedWork<string>;
  /** The line, once made. */
  line?: string;
  /** A long line's bytes, once made, and how many of them are written. */
  bytes?: Uint8Array;
  written: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Where the lines go: `lineStart` is true for the first (or only) part of a line, where a writer may begin
 * a new file. A part is a string (a short line, whole) or bytes (a part of a long line's UTF-8).
 */
export type LineWriter = (part: string | Uint8Array, lineStart: boolean) => void;

/** Writes a part to a file descriptor, all of it (a write may take fewer bytes than it was given). */
export function writePart(fd: number, part: string | Uint8Array): void {
  if (typeof part === 'string') {
    writeSync(fd, part);
    return;
  }
  for (let done = 0; done < part.length; ) done += writeSync(fd, part, done, part.length - done);
}

/**
 * Lines written in the order they were given, each made by work done a slice at a time. A line whose work
 * fits in one slice, with nothing waiting before it (every small event), is written at once and `add`
 * returns nothing. A larger one (a result of a million values) is finished between turns of the event loop
 * and `add` returns a promise, settled when it is written; lines given meanwhile wait behind it, so the
 * file's order is the order of `add`. A long line is written in parts, a slice at a time too: a process
 * killed meanwhile leaves that line cut, as a crash during any write would. `flush` finishes everything
 * waiting at once (a sink being closed).
 */
export class OrderedLines {
  private readonly waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly write: LineWriter,
    private readonly sliceMs = RECORD_SLICE_MS,
  ) {}

  add(work: SlicedWork<string>): void | Promise<void> {
    if (this.waiting.length === 0 && work.run(performance.now() + this.sliceMs)) {
      const line = work.result();
      if (line.length <= WRITE_WHOLE_CHARS) {
        this.write(line, true);
        return;
      }
      return this.wait({ work, line, written: 0 });
    }
    return this.wait({ work, written: 0 });
  }

  private wait(entry: Omit<Waiting, 'resolve' | 'reject'>): Promise<void> {
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ ...entry, resolve, reject }));
    // A caller that drops the promise (a sink used by hand) must not crash the process with an unhandled
    // rejection; one that awaits it still gets the error.
    written.catch(() => undefined);
    this.schedule();
    return written;
  }

  /** Finishes and writes every waiting line now, in order. */
  flush(): void {
    while (this.waiting.length > 0) this.finishHead(Infinity);
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    while (this.waiting.length > 0 && this.finishHead(deadline)) {
      if (performance.now() > deadline) break;
    }
    this.schedule();
  };

  /** Works on the first waiting line until `deadline`; true when it was written (or failed) and left the queue. */
  private finishHead(deadline: number): boolean {
    const head = this.waiting[0]!;
    try {
      if (!this.writeSome(head, deadline)) return false;
    } catch (error) {
      this.waiting.shift();
      head.reject(error);
      return true;
    }
    this.waiting.shift();
    head.resolve();
    return true;
  }

  /** Makes the line, then writes it, whole or a part at a time, until `deadline`; true when all of it is written. */
  private writeSome(head: Waiting, deadline: number): boolean {
    if (head.bytes === undefined) {
      if (head.line === undefined) {
        if (!head.work.run(deadline)) return false;
        head.line = head.work.result();
      }
      if (head.line.length <= WRITE_WHOLE_CHARS) {
        this.write(head.line, true);
        return true;
      }
      head.bytes = Buffer.from(head.line, 'utf8');
      head.line = '';
    }
    const bytes = head.bytes;
    while (head.written < bytes.length) {
      const end = Math.min(bytes.length, head.written + WRITE_BYTES);
      this.write(bytes.subarray(head.written, end), head.written === 0);
      head.written = end;
      if (head.written < bytes.length && performance.now() > deadline) return false;
    }
    return true;
  }
}
