import { closeSync, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { TraceEvent } from './events.js';
import type { TraceSink } from './sink.js';
import { redactorOf, type Redactor } from './redact.js';
import { OrderedLines, writePart } from './ordered-lines.js';
import { recordLine } from './record-line.js';
import type { RecorderOptions } from './jsonl-sink.js';

export interface RotatingSinkOptions extends RecorderOptions {
  /** The folder the trace files go in (created if missing). */
  directory: string;
  /** File names are `PREFIX-YYYY-MM-DD.NNNN.jsonl` (default prefix `trace`). */
  prefix?: string;
  /** A new file every UTC day, and also whenever the current one reaches this size (default: no size limit). */
  maxBytes?: number;
  /** Files whose day is older than this many days are deleted (default 30; `Infinity` keeps everything). */
  retentionDays?: number;
  /** Closed files are gzip-compressed to `.jsonl.gz` (default true), off the event loop's critical path. */
  compress?: boolean;
  /** The time, in ms since the epoch (default `Date.now`): the day files are named after. */
  clock?: () => number;
  /** Told about a compression or deletion that failed; recording goes on. */
  onError?: (error: Error) => void;
}

const DAY_MS = 86_400_000;

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The recorder for long-running services: one JSONL file per day (or per size) under a folder, closed
 * files compressed, and files past the retention deleted, so traces are kept (30 days by default:
 * incidents surface days later) without filling the disk. `warden replay`, `triage` and `report` read
 * the folder, compressed files included, in order. Each event is one synchronous write, as with
 * `JsonlFileSink` (an event too large for a few milliseconds is finished between turns of the event loop,
 * in order, as there); redaction is on by default.
 * @example
 * const sink = new RotatingJsonlSink({ directory: '/var/log/agent-warden', retentionDays: 30 });
 * const guard = createGuard({ tools, sink });
 */
export class RotatingJsonlSink implements TraceSink {
  readonly directory: string;
  private readonly prefix: string;
  private readonly maxBytes: number;
  private readonly retentionMs: number;
  private readonly compress: boolean;
  private readonly clock: () => number;
  private readonly onError: (error: Error) => void;
  private readonly redactor: Redactor | undefined;
  private readonly lines = new OrderedLines((part, lineStart) => this.append(part, lineStart));
  private readonly pattern: RegExp;
  private readonly background = new Set<Promise<void>>();
  private readonly gzipping = new Set<string>();
  private fd: number | undefined;
  private current: { day: string; index: number; path: string; bytes: number } | undefined;
  private closed = false;

  constructor(options: RotatingSinkOptions) {
    this.directory = options.directory;
    this.prefix = options.prefix ?? 'trace';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(this.prefix)) throw new TypeError(`prefix must be 1-64 letters, digits, _ or -: ${JSON.stringify(this.prefix)}`);
    this.maxBytes = options.maxBytes ?? Infinity;
    const retentionDays = options.retentionDays ?? 30;
    if (!(retentionDays > 0)) throw new RangeError(`retentionDays must be a positive number of days, got ${retentionDays}`);
    if (!(this.maxBytes > 0)) throw new RangeError(`maxBytes must be a positive number of bytes, got ${this.maxBytes}`);
    this.retentionMs = retentionDays * DAY_MS;
    this.compress = options.compress ?? true;
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    const redaction = options.redact ?? true;
    this.redactor = redaction === false ? undefined : redactorOf(redaction === true ? {} : redaction);
    this.pattern = new RegExp(`^${this.prefix}-(\\d{4}-\\d{2}-\\d{2})\\.(\\d{4,})\\.jsonl(\\.gz)?$`);
    mkdirSync(this.directory, { recursive: true });
    this.sweep();
  }

  write(event: TraceEvent): void | Promise<void> {
    if (this.closed) throw new Error(`trace folder ${this.directory} is closed`);
    return this.lines.add(recordLine(event, this.redactor));
  }

  /** Appends a line, or a part of a long one, to today's file; a line starts a new file when the day or the size calls for it. */
  private append(part: string | Uint8Array, lineStart: boolean): void {
    if (lineStart) {
      const day = dayOf(this.clock());
      if (this.current === undefined || this.current.day !== day || this.current.bytes >= this.maxBytes) this.rotate(day);
    }
    writePart(this.fd!, part);
    this.current!.bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  }

  /** Closes the current file (compressing it) and waits for every compression and deletion under way. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.lines.flush();
      this.closed = true;
      this.finishCurrent();
    }
    await this.idle();
  }

  /** Waits for the compressions and deletions under way. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** The files of this sink in the folder, oldest first: what `warden replay DIR` reads. */
  files(): string[] {
    return readdirSync(this.directory)
      .filter((name) => this.pattern.test(name))
      .sort()
      .map((name) => join(this.directory, name));
  }

  private rotate(day: string): void {
    const index = this.current?.day === day ? this.current.index + 1 : this.nextIndex(day);
    this.finishCurrent();
    const path = join(this.directory, `${this.prefix}-${day}.${String(index).padStart(4, '0')}.jsonl`);
    this.fd = openSync(path, 'a');
    this.current = { day, index, path, bytes: fstatSync(this.fd).size };
    this.sweep();
  }

  /** Today's files continue where an earlier process left off: its last file, unless that one is full. */
  private nextIndex(day: string): number {
    let last = -1;
    let lastOpen = false;
    for (const name of readdirSync(this.directory)) {
      const match = this.pattern.exec(name);
      if (!match || match[1] !== day) continue;
      const index = Number(match[2]);
      if (index > last || (index === last && match[3] === undefined)) {
        last = index;
        lastOpen = match[3] === undefined;
      }
    }
    return last === -1 ? 0 : lastOpen ? last : last + 1;
  }

  private finishCurrent(): void {
    if (this.fd === undefined || this.current === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (this.compress) this.inBackground(this.gzip(this.current.path));
  }

  /** Deletes files past the retention, and compresses closed files an earlier process left uncompressed. */
  private sweep(): void {
    const oldest = dayOf(this.clock() - this.retentionMs);
    for (const name of readdirSync(this.directory)) {
      const match = this.pattern.exec(name);
      if (!match) continue;
      const path = join(this.directory, name);
      if (match[1]! < oldest) {
        try {
          rmSync(path, { force: true });
        } catch (error) {
          this.onError(error as Error);
        }
      } else if (this.compress && match[3] === undefined && path !== this.current?.path && this.closedBefore(match[1]!, Number(match[2]))) {
        this.inBackground(this.gzip(path));
      }
    }
  }

  /** Whether a file belongs to an earlier day, or an earlier index today, than the one being written. */
  private closedBefore(day: string, index: number): boolean {
    const current = this.current;
    if (current === undefined) return day < dayOf(this.clock());
    return day < current.day || (day === current.day && index < current.index);
  }

  private inBackground(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.onError(error as Error)).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private async gzip(path: string): Promise<void> {
    if (this.gzipping.has(path)) return;
    this.gzipping.add(path);
    const partial = `${path}.gz.partial`;
    try {
      await pipeline(createReadStream(path), createGzip(), createWriteStream(partial));
      renameSync(partial, `${path}.gz`);
      unlinkSync(path);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    } finally {
      this.gzipping.delete(path);
    }
  }
}
