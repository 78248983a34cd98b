import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { TraceSource } from '../forensics/triage.js';

/** Several trace files read as one trace, with a way back from a line of the whole to its file. */
export interface TraceFiles {
  source: TraceSource;
  /** The file and line of a line number of the concatenated trace. */
  locate(line: number): { source: string; line: number };
}

/**
 * Reads trace files one after the other as a single trace (a session may continue from one file
 * into the next, in order). Each file is streamed: nothing is held whole in memory.
 */
export function traceFiles(files: readonly string[]): TraceFiles {
  if (files.length === 1) return { source: files[0]!, locate: (line) => ({ source: files[0]!, line }) };
  /** Line number (of the whole) just before each file's first line; learned while reading. */
  const offsets: number[] = [];
  async function* chained(): AsyncGenerator<string> {
    let lines = 0;
    for (const [index, file] of files.entries()) {
      offsets[index] = lines;
      let last = '\n';
      for await (const chunk of createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>) {
        if (chunk.length === 0) continue;
        for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines += 1;
        last = chunk[chunk.length - 1]!;
        yield chunk;
      }
      // A file without a final newline must not run into the next file's first line.
      if (last !== '\n') {
        lines += 1;
        yield '\n';
      }
    }
  }
  return {
    source: () => Readable.from(chained()),
    locate(line) {
      for (let index = files.length - 1; index >= 0; index -= 1) {
        const before = offsets[index];
        if (before !== undefined && line > before) return { source: files[index]!, line: line - before };
      }
      return { source: files[0]!, line };
    },
  };
}
