import { writeSync } from 'node:fs';
import type { SlicedWork } from '../text/in-slices.js';

/** Time one slice of a record's redaction and serialisation may take before the writer yields. */
export const RECORD_SLICE_MS = 5;

/**
 * A line longer than this is written in pieces of about this many characters (or bytes), a slice at a time:
 * one write of 10 MB held the loop 20-90 ms, and joining its parts into one string first another 7-20.
 */
const WRITE_CHARS = 262_144;

/** A line being made and written; waiting in the queue, with its promise's settlers. */
interface Line {
  work: SlicedWork<string[]>;
  /** The line's parts (pieces of its JSON text; together, the line), once made. */
  parts?: string[];
  /** The next part to write; within a part too long to write at once, its bytes and how many are written. */
  next: number;
  bytes?: Uint8Array;
  written: number;
  /** Whether the line's first piece was written (the only one written with `lineStart`). */
  started: boolean;
}

interface Waiting extends Line {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Where the lines go: `lineStart` is true for the first (or only) piece of a line, where a writer may begin
 * a new file. A piece is text (a line whole, or parts of it joined) or bytes (a part of a long value's UTF-8).
 */
export type LineWriter = (piece: string | Uint8Array, lineStart: boolean) => void;

/** Writes a piece to a file descriptor, all of it (a write may take fewer bytes than it was given). */
export function writePart(fd: number, piece: string | Uint8Array): void {
  if (typeof piece === 'string') {
    writeSync(fd, piece);
    return;
  }
  for (let done = 0; done < piece.length; ) done += writeSync(fd, piece, done, piece.length - done);
}

function lengthOf(parts: readonly string[]): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

/**
 * Lines written in the order they were given, each made by work done a slice at a time, as parts. A line
 * whose work fits in one slice, with nothing waiting before it (every small event), is written at once and
 * `add` returns nothing. A larger one (a result of a million values) is finished between turns of the event
 * loop and `add` returns a promise, settled when it is written; lines given meanwhile wait behind it, so the
 * file's order is the order of `add`. A long line is written in pieces, a slice at a time too (its parts
 * are never joined into one string): a process killed meanwhile leaves that line cut, as a crash during any
 * write would. `flush` finishes everything waiting at once (a sink being closed).
 */
export class OrderedLines {
  private readonly waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly write: LineWriter,
    private readonly sliceMs = RECORD_SLICE_MS,
  ) {}

  add(work: SlicedWork<string[]>): void | Promise<void> {
    const entry: Line = { work, next: 0, written: 0, started: false };
    // With nothing waiting, as much is done at once as a slice allows: a small line, all of it.
    if (this.waiting.length === 0 && this.writeSome(entry, performance.now() + this.sliceMs)) return;
    return this.wait(entry);
  }

  /** Finishes and writes every waiting line now, in order. */
  flush(): void {
    while (this.waiting.length > 0) this.finishHead(Infinity);
  }

  private wait(entry: Line): Promise<void> {
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ ...entry, resolve, reject }));
    // A caller that drops the promise (a sink used by hand) must not crash the process with an unhandled
    // rejection; one that awaits it still gets the error.
    written.catch(() => undefined);
    this.schedule();
    return written;
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

  /** Makes the line, then writes it, whole or a piece at a time, until `deadline`; true when all of it is written. */
  private writeSome(head: Line, deadline: number): boolean {
    if (head.parts === undefined) {
      if (!head.work.run(deadline)) return false;
      head.parts = head.work.result();
    }
    const parts = head.parts;
    if (!head.started && lengthOf(parts) <= WRITE_CHARS) {
      this.write(parts.length === 1 ? parts[0]! : parts.join(''), true);
      return true;
    }
    while (head.next < parts.length) {
      if (head.bytes === undefined && parts[head.next]!.length > WRITE_CHARS) {
        // One part too long to write at once (a long value written raw): its UTF-8, a piece at a time.
        head.bytes = Buffer.from(parts[head.next]!, 'utf8');
        head.written = 0;
      }
      if (head.bytes !== undefined) {
        const end = Math.min(head.bytes.length, head.written + WRITE_CHARS);
        this.piece(head, head.bytes.subarray(head.written, end));
        head.written = end;
        if (end === head.bytes.length) {
          head.bytes = undefined;
          head.next += 1;
        }
      } else {
        // The next parts up to about WRITE_CHARS, joined: each part is whole JSON text, so no character is cut.
        let end = head.next;
        let length = 0;
        while (end < parts.length && parts[end]!.length <= WRITE_CHARS && length + parts[end]!.length <= WRITE_CHARS) length += parts[end++]!.length;
        if (end === head.next) end += 1;
        this.piece(head, end === head.next + 1 ? parts[head.next]! : parts.slice(head.next, end).join(''));
        head.next = end;
      }
      if (head.next < parts.length && performance.now() > deadline) return false;
    }
    return true;
  }

  private piece(head: Line, piece: string | Uint8Array): void {
    this.write(piece, !head.started);
    head.started = true;
  }
}
