import { spawn, type ChildProcess } from 'node:child_process';
import { FramedStdioTransport } from './framed-stdio.js';

/** How a server process ended: its exit code, or the signal that ended it. */
export interface UpstreamExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** "exit code 3", "signal SIGTERM". */
  reason: string;
  /** The proxy had to terminate it (it did not leave when its stdin closed). */
  terminated: boolean;
}

/** An MCP server started as a child process, spoken to over its stdio. */
export interface Upstream {
  readonly child: ChildProcess;
  readonly transport: FramedStdioTransport;
  /** Resolves with how it ended ("exit code 3", "signal SIGTERM"), once it has and its output has been read to the end. */
  readonly exited: Promise<string>;
  /** The same, in full. */
  readonly gone: Promise<UpstreamExit>;
  /** How the process ended, as soon as it has (what it wrote may still be on its way). */
  readonly exit: Promise<UpstreamExit>;
  /** Closes its stdin, as a client that has no more to say would; it decides what to do then. */
  endInput(): void;
  /**
   * Closes its stdin, then terminates it if it does not leave by itself (or, given a signal, sends it
   * that signal at once, as the proxy received it). Its output is read until it has left.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface UpstreamOptions {
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  maxFrameBytes: number;
  limitHint: string;
  log: (line: string) => void;
}

/** The server command could not be started (no such file, not executable): the user's to fix, not a bug. */
export class UpstreamStartError extends Error {
  override readonly name = 'UpstreamStartError';
  constructor(
    message: string,
    /** The system's error code (ENOENT, EACCES). */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** How long a stopped server gets to leave by itself once its stdin ends, and then after SIGTERM. */
const STDIN_GRACE_MS = 500;
const TERM_GRACE_MS = 2_000;

const WHY: Record<string, string> = {
  ENOENT: 'no such file (check the command and PATH)',
  EACCES: 'permission denied (is it executable?)',
  ENOTDIR: 'a part of its path is not a directory',
};

/** Starts the upstream server; rejects with an UpstreamStartError saying why when the command cannot be run. */
export async function startUpstream(options: UpstreamOptions): Promise<Upstream> {
  const child = spawn(options.command, options.args ?? [], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env ?? process.env });
  let terminated = false;
  const status = (code: number | null, signal: NodeJS.Signals | null): UpstreamExit => ({ code, signal, reason: signal ? `signal ${signal}` : `exit code ${code}`, terminated });
  // The process is gone ('exit') ...
  const exit = new Promise<UpstreamExit>((resolve) => child.once('exit', (code, signal) => resolve(status(code, signal))));
  // ... and what it wrote has been read ('close'): only then is what it left unanswered known.
  const gone = new Promise<UpstreamExit>((resolve) => child.once('close', (code, signal) => resolve(status(code, signal))));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    const why = (error.code && WHY[error.code]) ?? error.message;
    throw new UpstreamStartError(`cannot start the MCP server "${options.command}": ${why}`, error.code);
  });
  child.on('error', (error) => options.log(`upstream server: ${error.message}`));
  // A server that left before reading everything: writing to it fails, which the relay answers; not a crash.
  child.stdin!.on('error', () => {});
  const transport = new FramedStdioTransport(child.stdout!, child.stdin!, {
    maxFrameBytes: options.maxFrameBytes,
    limitHint: options.limitHint,
    onRejected: (reason) => options.log(`from upstream: ${reason}`),
  });
  transport.onerror = () => {};
  const exited = gone.then((how) => how.reason);
  let stopping: Promise<void> | undefined;
  const stop = (signal?: NodeJS.Signals) =>
    (stopping ??= (async () => {
      const running = () => child.exitCode === null && child.signalCode === null;
      const left = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
      if (running()) {
        child.stdin?.end();
        if (signal) child.kill(signal);
        if (!(await left(signal ? TERM_GRACE_MS : STDIN_GRACE_MS)) && !signal) {
          terminated = true;
          child.kill('SIGTERM');
          await left(TERM_GRACE_MS);
        }
        if (running()) {
          terminated = true;
          child.kill('SIGKILL');
          await exit;
        }
      }
      await transport.close();
    })());
  const endInput = () => void child.stdin?.end();
  return { child, transport, exited, gone, exit, endInput, stop };
}
