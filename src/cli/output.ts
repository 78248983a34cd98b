import { mkdirSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { CommandFailure } from './options.js';

/** An output that cannot be written, named by its path, without a bare error code. */
export function outputFailure(path: string, error: unknown): CommandFailure {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of the path is a file' : (error as Error).message;
  return new CommandFailure(`cannot write ${path}: ${reason}`, 1);
}

/** Creates the folders an output path needs (`-o reports/today/out.md`). */
export function prepareOutput(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw outputFailure(path, error);
  }
}

/** Writes a whole output file, creating missing parent folders; errors name the path. */
export function writeOutputFile(path: string, text: string): void {
  prepareOutput(path);
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw outputFailure(path, error);
  }
}

/** An output file to stream into, parent folders created; errors name the path. */
export async function openOutputStream(path: string): Promise<WriteStream> {
  prepareOutput(path);
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(outputFailure(path, error)));
  });
  return stream;
}

/** Writes to a stream, waiting when it is full: bounded memory however much is written. */
export async function writeChunk(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

/** Bytes gathered before one write: a million short pieces are a few thousand writes, and memory holds one batch. */
const BATCH_CHARS = 1 << 16;

/**
 * Output written piece by piece (a session at a time) in batches, with backpressure: what a command
 * prints for a million sessions is never one string in memory.
 */
export class BatchedOutput {
  private pieces: string[] = [];
  private length = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pieces.push(text);
    this.length += text.length;
    if (this.length >= BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pieces.length === 0) return;
    const text = this.pieces.join('');
    this.pieces = [];
    this.length = 0;
    await writeChunk(this.stream, text);
  }
}
