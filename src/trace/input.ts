import { createReadStream, type Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decodedText } from './text-decoding.js';

/** One line of input and where it came from; `error` instead of `text` when the line could not be kept. */
export type SourceLine = { source: string; line: number; text: string; error?: undefined } | { source: string; line: number; text?: undefined; error: string };

/** Where trace lines come from: a file (plain or gzip), or a stream such as stdin. */
export type TraceInput = { kind: 'file'; path: string } | { kind: 'stream'; name: string; stream: NodeJS.ReadableStream | AsyncIterable<Buffer | string> };

/** An input that cannot be read, named by its path: never a bare `EISDIR` or `ENOENT`. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'InputError';
  }
}

export interface LineOptions {
  /** Longest line kept, in characters (default 64 Mi); a longer one is reported and skipped, never held whole. */
  maxLineLength?: number;
  /** Updated with each line as it is handed out, so an error further on can say where it happened. */
  cursor?: { source?: string; line?: number; text?: string };
}

/** The files a directory contributes: its `*.jsonl` and `*.jsonl.gz`, by name. */
export const TRACE_FILE = /\.jsonl(?:\.gz)?$/;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `not valid gzip (${(error as Error).message})`;
    default:
      return code ? `${code.toLowerCase()} (${(error as Error).message})` : String((error as Error)?.message ?? error);
  }
}

async function isFile(dir: string, entry: Dirent): Promise<boolean> {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await stat(join(dir, entry.name)).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Turns command-line trace arguments into inputs: `-` is stdin, a file is itself, a directory is its
 * `*.jsonl` and `*.jsonl.gz` files sorted by name. Every path is checked here, so a missing file or an
 * empty directory fails before any work starts, with the path in the message.
 */
export async function resolveTraceInputs(args: readonly string[], stdin: NodeJS.ReadableStream = process.stdin, filePattern: RegExp = TRACE_FILE, kinds = '*.jsonl or *.jsonl.gz'): Promise<TraceInput[]> {
  const inputs: TraceInput[] = [];
  let usedStdin = false;
  for (const arg of args) {
    if (arg === '-') {
      if (usedStdin) throw new InputError('-', 'stdin can be read only once');
      usedStdin = true;
      inputs.push({ kind: 'stream', name: 'stdin', stream: stdin });
      continue;
    }
    const info = await stat(arg).catch((error: unknown) => {
      throw new InputError(arg, reasonOf(error));
    });
    if (info.isDirectory()) {
      const entries = await readdir(arg, { withFileTypes: true }).catch((error: unknown) => {
        throw new InputError(arg, reasonOf(error));
      });
      const names: string[] = [];
      for (const entry of entries) if (filePattern.test(entry.name) && (await isFile(arg, entry))) names.push(entry.name);
      if (names.length === 0) throw new InputError(arg, `the directory holds no ${kinds} file`);
      names.sort();
      for (const name of names) inputs.push({ kind: 'file', path: join(arg, name) });
    } else if (info.isFile() || info.isFIFO() || info.isCharacterDevice()) {
      inputs.push({ kind: 'file', path: arg });
    } else throw new InputError(arg, 'not a file or a directory');
  }
  return inputs;
}

/** The name an input goes by in messages. */
export function inputName(input: TraceInput): string {
  return input.kind === 'file' ? input.path : input.name;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } catch {
    return false; // A pipe cannot be read at a position: taken as plain text.
  } finally {
    await handle.close();
  }
}

/** Where gzip decompression of an input stopped early: zlib's error, and the bytes decompressed before it. */
interface GzipStop {
  error?: Error;
  bytes: number;
}

/**
 * `source` decompressed. A zlib error after some output (a file cut short: `Z_BUF_ERROR`; damaged: `Z_DATA_ERROR`)
 * ends the output after everything decompressed before it and is kept in `stop`: read through the stream's own
 * iterator, the error would have destroyed the stream with its last chunks still unread. An error before any
 * output (not gzip at all) and a read error stay errors of the whole input.
 */
function gunzipped(source: NodeJS.ReadableStream, stop: GzipStop): AsyncIterable<Buffer> {
  const gunzip = createGunzip();
  const out = new PassThrough();
  source.on('error', (error: Error) => out.destroy(error));
  gunzip.on('data', (chunk: Buffer) => {
    stop.bytes += chunk.length;
    if (!out.write(chunk)) gunzip.pause();
  });
  out.on('drain', () => gunzip.resume());
  gunzip.on('end', () => out.end());
  gunzip.on('error', (error: Error) => {
    if (stop.bytes === 0) return void out.destroy(error);
    stop.error = error;
    out.end();
  });
  // A reader that stops early (or a failure) stops the decompression and the reading behind it.
  out.on('close', () => {
    gunzip.destroy();
    (source as Readable).destroy?.();
  });
  source.pipe(gunzip);
  return out;
}

/** The chunks of a stream, decompressed when its first bytes are the gzip magic number. */
async function* sniffedChunks(source: AsyncIterable<Buffer | string>, stop: GzipStop): AsyncGenerator<Buffer | string> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (!(Buffer.isBuffer(head) && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield head;
    yield* rest;
    return;
  }
  const raw = Readable.from((async function* () {
    yield head;
    yield* rest;
  })());
  yield* gunzipped(raw, stop);
}

async function* chunksOf(input: TraceInput, stop: GzipStop): AsyncGenerator<Buffer | string> {
  if (input.kind === 'stream') {
    yield* sniffedChunks(input.stream as AsyncIterable<Buffer | string>, stop);
    return;
  }
  const gzip = input.path.endsWith('.gz') || (await startsWithGzipMagic(input.path));
  const file = createReadStream(input.path);
  if (!gzip) {
    yield* file;
    return;
  }
  yield* gunzipped(file, stop);
}

/** Hands out one line: the cursor (if there is one) follows it. */
export function handOut(line: SourceLine, cursor: LineOptions['cursor']): SourceLine {
  if (cursor) {
    cursor.source = line.source;
    cursor.line = line.line;
    cursor.text = line.text;
  }
  return line;
}

/**
 * Lines that can also be read a chunk at a time: iterated, they come one by one as from any
 * iterable; a reader that knows them (`readTrace`) takes `batches()` and waits once per chunk, not
 * once per line. `cursor` follows each line as it is handed out. Read once, either way.
 */
export class BatchedLines implements AsyncIterable<SourceLine> {
  constructor(
    private readonly source: AsyncIterable<SourceLine[]>,
    readonly cursor?: LineOptions['cursor'],
  ) {}

  batches(): AsyncIterable<SourceLine[]> {
    return this.source;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SourceLine> {
    for await (const batch of this.source) for (const line of batch) yield handOut(line, this.cursor);
  }
}

/**
 * Splits chunks into lines (`\n`, a trailing `\r` dropped), numbered from 1, blank ones included.
 * Memory stays bounded by `maxLineLength`: a longer line is dropped as it streams in and reported.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>, source: string, options: LineOptions = {}): AsyncGenerator<SourceLine> {
  yield* new BatchedLines(splitLineBatches(chunks, source, options), options.cursor);
}

/**
 * `splitLines`, a chunk's lines at a time (never an empty batch): a reader of a million-line trace
 * waits once per chunk, not once per line. The cursor is not moved: the reader hands the lines out.
 */
export async function* splitLineBatches(chunks: AsyncIterable<Buffer | string>, source: string, options: LineOptions = {}): AsyncGenerator<SourceLine[]> {
  const max = options.maxLineLength ?? DEFAULT_MAX_LINE;
  let parts: string[] = [];
  let length = 0;
  let overflow = false;
  let number = 0;
  const finish = (tail: string): SourceLine => {
    number += 1;
    if (overflow || length + tail.length > max) {
      const error = `line longer than ${max} characters (skipped without being read whole)`;
      parts = [];
      length = 0;
      overflow = false;
      return { source, line: number, error };
    }
    let text = parts.length === 0 ? tail : parts.join('') + tail;
    parts = [];
    length = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { source, line: number, text };
  };
  const take = (text: string): SourceLine[] => {
    const out: SourceLine[] = [];
    let from = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
      out.push(finish(text.slice(from, at)));
      from = at + 1;
    }
    const tail = text.slice(from);
    if (tail !== '') {
      if (overflow || length + tail.length > max) {
        overflow = true;
        parts = [];
        length = 0;
      } else {
        parts.push(tail);
        length += tail.length;
      }
    }
    return out;
  };
  for await (const text of decodedText(chunks)) {
    const batch = take(text);
    if (batch.length > 0) yield batch;
  }
  const rest: SourceLine[] = [];
  if (length > 0 || overflow) rest.push(finish(''));
  if (rest.length > 0) yield rest;
}

/**
 * The text of one input, gzip undone and decoded (UTF-8 or UTF-16, see `decodedText`); a read failure is an `InputError`
 * naming it. Gzip data cut short or damaged after its start ends the text after what was decompressed: told to
 * `onGzipStop` (worded as `readInputLineBatches` words it) when given, else an `InputError` once that text was read.
 */
export async function* readInputChunks(input: TraceInput, onGzipStop?: (why: string) => void): AsyncGenerator<Buffer | string> {
  const stop: GzipStop = { bytes: 0 };
  try {
    yield* decodedText(chunksOf(input, stop));
    if (stop.error && onGzipStop) onGzipStop(`${gzipStopReason(stop.error)}: the ${stop.bytes} bytes decompressed before it were read; the rest of the file is lost`);
    else if (stop.error) throw stop.error;
  } catch (error) {
    if (error instanceof InputError || (error as NodeJS.ErrnoException)?.code === undefined) throw error;
    throw new InputError(inputName(input), reasonOf(error));
  }
}

/**
 * The lines of several inputs in turn, each numbered within its own input; gzip is decompressed on
 * the fly. A read failure (a file removed meanwhile, corrupt gzip) is an `InputError` naming the input.
 */
export async function* readInputLines(inputs: readonly TraceInput[], options: LineOptions = {}): AsyncGenerator<SourceLine> {
  yield* new BatchedLines(readInputLineBatches(inputs, options), options.cursor);
}

/** How the line that ends an input whose gzip data stopped early begins: the CLI shows it however many lines it skipped. */
export const GZIP_STOPPED = 'the gzip data is ';

/** Why gzip data stopped early: cut short (`Z_BUF_ERROR`, a copy stopped mid-way) or damaged, with zlib's words. */
function gzipStopReason(error: Error): string {
  const cut = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
  return `${GZIP_STOPPED}${cut ? 'cut short' : 'damaged'} (${error.message})`;
}

/**
 * `readInputLines`, a chunk's lines at a time (see `splitLineBatches`). A gzip file cut short (a copy
 * stopped mid-way, a full disk) or damaged after its start keeps every line read before the damage, and
 * ends with one line in error that says where and why, so the commands report it and go on.
 */
export async function* readInputLineBatches(inputs: readonly TraceInput[], options: LineOptions = {}): AsyncGenerator<SourceLine[]> {
  for (const input of inputs) {
    const name = inputName(input);
    const stop: GzipStop = { bytes: 0 };
    let lastLine = 0;
    try {
      for await (const batch of splitLineBatches(chunksOf(input, stop), name, options)) {
        lastLine = batch[batch.length - 1]!.line;
        yield batch;
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      if ((error as NodeJS.ErrnoException)?.code === undefined) throw error;
      throw new InputError(name, reasonOf(error));
    }
    if (stop.error !== undefined) {
      const why = gzipStopReason(stop.error);
      yield [{ source: name, line: lastLine + 1, error: `${why}: the ${lastLine} line${lastLine === 1 ? '' : 's'} before it (${stop.bytes} bytes decompressed) were read and kept; the rest of the file is lost` }];
    }
  }
}
