import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BatchedLines, GZIP_STOPPED, InputError, readInputLineBatches, resolveTraceInputs, type SourceLine, type TraceInput } from '../trace/input.js';
import type { TraceProblem } from '../trace/reader.js';
import { safeMessage } from './safe-message.js';
import { position } from './position.js';
import type { OptionSpec } from './command.js';
import { CommandFailure, noValidEvent } from './options.js';
import { Progress, progressWanted } from './progress.js';

/** Options every command that reads traces takes. */
export const TRACE_OPTIONS: Record<string, OptionSpec> = {
  policy: { type: 'string', arg: 'FILE', help: 'decide with this policy (JSON; see docs/policy.md)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress and no summary on stderr (broken lines are still reported)' },
};

export const TRACE_ARGUMENT_HELP =
  'TRACE is a .jsonl file, a .jsonl.gz file, a directory (its *.jsonl and *.jsonl.gz files, sorted by name), or - for stdin; several may be given. Lines that are not valid trace events (and the rest of a gzip file cut short) are reported on stderr and skipped, and the command then exits with status 3.';

/** How many broken lines are reported one by one before the rest are only counted: about a screenful. */
export const MAX_REPORTED_PROBLEMS = 20;

export interface OpenTraces {
  /** Opens the lines afresh (triage and postmortem read twice). */
  lines(): BatchedLines;
  /** The names given, for messages. */
  label: string;
  close(): void;
}

/**
 * The traces named on the command line. stdin is read once; a command that reads twice gets it
 * spooled to a temporary file first, removed when done (or when the process exits).
 */
export async function openTraces(args: readonly string[], options: { rereadable?: boolean } = {}): Promise<OpenTraces> {
  let inputs: TraceInput[];
  try {
    inputs = await resolveTraceInputs(args);
  } catch (error) {
    if (error instanceof InputError) throw new CommandFailure(`cannot read ${error.message}`, 1);
    throw error;
  }
  let spool: string | undefined;
  const cleanup = () => {
    if (spool) rmSync(spool, { recursive: true, force: true });
    spool = undefined;
  };
  if (options.rereadable && inputs.some((input) => input.kind === 'stream')) {
    spool = mkdtempSync(join(tmpdir(), 'warden-stdin-'));
    process.once('exit', cleanup);
    const file = join(spool, 'stdin.jsonl');
    const stdin = inputs.find((input) => input.kind === 'stream')!;
    if (stdin.kind === 'stream') await pipeline(stdin.stream as NodeJS.ReadableStream, createWriteStream(file));
    inputs = inputs.map((input) => (input.kind === 'stream' ? { kind: 'file', path: file } : input));
  }
  const names = (list: TraceInput[]) => list.map((input) => (input.kind === 'file' ? (spool && input.path.startsWith(spool) ? 'stdin' : input.path) : input.name));
  const shown = names(inputs);
  return {
    lines: () => new BatchedLines(renamed(readInputLineBatches(inputs), spool ? join(spool, 'stdin.jsonl') : undefined), position),
    label: args.length === 1 ? args[0]! === '-' ? 'stdin' : args[0]! : `${shown.length} files`,
    close: cleanup,
  };
}

/** Lines of the stdin spool file go by the name `stdin`. */
async function* renamed(batches: AsyncIterable<SourceLine[]>, spoolFile: string | undefined): AsyncGenerator<SourceLine[]> {
  if (!spoolFile) return yield* batches;
  for await (const batch of batches) yield batch.map((line) => (line.source === spoolFile ? { ...line, source: 'stdin' } : line));
}

/**
 * Reports skipped lines on stderr, the first screenful one by one, then only counts them; what a
 * line held is never echoed raw (control characters escaped, length capped).
 */
export class ProblemReporter {
  count = 0;
  /** Lines reported one by one: the first screenful, and any cut gzip input past it. */
  private shown = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  readonly report = (problem: TraceProblem): void => {
    this.count += 1;
    // A file cut short is news about the whole input, not one more broken line: always shown.
    if (this.count > MAX_REPORTED_PROBLEMS && !problem.reason.startsWith(GZIP_STOPPED)) return;
    this.shown += 1;
    const where = problem.source !== undefined ? `${safeMessage(problem.source, 200)}: ` : '';
    this.stream.write(`warden: ${where}line ${problem.line}: ${safeMessage(problem.reason, 300)} (skipped)\n`);
  };

  /** The closing count of lines not shown. */
  finish(): void {
    if (this.count === this.shown) return;
    this.stream.write(`warden: ${this.count - this.shown} more lines skipped (${this.count} in all)\n`);
  }
}

/** What a command that reads traces gets while it reads them. */
export interface TraceReading {
  traces: OpenTraces;
  progress: Progress;
  problems: ProblemReporter;
  /** Hooks for the reader: skipped lines reported on stderr, events counted for the progress line. */
  onProblem(problem: TraceProblem): void;
  onEvent(event: { session_id: string }): void;
  /** Closes the skipped-lines report, and fails the command when the traces held no valid event. */
  requireEvents(validEvents: number): void;
}

/**
 * The sequence every trace command shares: open the traces, report skipped lines and progress while
 * `work` reads them, and always stop the progress line and remove a stdin spool afterwards.
 */
export async function readingTraces<T>(
  command: string,
  args: readonly string[],
  options: { rereadable?: boolean; json?: boolean; quiet?: boolean },
  work: (reading: TraceReading) => Promise<T>,
): Promise<T> {
  const traces = await openTraces(args, options);
  const problems = new ProblemReporter();
  const progress = new Progress(`warden ${command}`, progressWanted(options));
  try {
    return await work({
      traces,
      progress,
      problems,
      onProblem: problems.report,
      onEvent: (event) => progress.event(event.session_id),
      requireEvents(validEvents) {
        problems.finish();
        if (validEvents === 0) throw noValidEvent(traces.label);
      },
    });
  } finally {
    progress.stop();
    traces.close();
  }
}
