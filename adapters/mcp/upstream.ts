import { spawn, type ChildProcess } from 'node:child_process';
import { FramedStdioTransport } from './framed-stdio.js';

/** An MCP server started as a child process, spoken to over its stdio. */
export interface Upstream {
  readonly child: ChildProcess;
  readonly transport: FramedStdioTransport;
  /** Resolves with how it ended ("exit code 3", "signal SIGTERM"). */
  readonly exited: Promise<string>;
  /** Closes its stdin, then terminates it if it does not leave by itself. */
  stop(): Promise<void>;
}

export interface UpstreamOptions {
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  maxFrameBytes: number;
  limitHint: string;
  log: (line: string) => void;
}

/** How long a stopped server gets to leave by itself once its stdin ends, and then after SIGTERM. */
const STDIN_GRACE_MS = 500;
const TERM_GRACE_MS = 2_000;

/** Starts the upstream server; rejects with a readable error when the command cannot be run. */
export async function startUpstream(options: UpstreamOptions): Promise<Upstream> {
  const child = spawn(options.command, options.args ?? [], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env ?? process.env });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  }).catch((error: Error) => {
    throw new Error(`cannot start upstream server "${options.command}": ${error.message}`);
  });
  child.on('error', (error) => options.log(`upstream server: ${error.message}`));
  const transport = new FramedStdioTransport(child.stdout!, child.stdin!, {
    maxFrameBytes: options.maxFrameBytes,
    limitHint: options.limitHint,
    onRejected: (reason) => options.log(`from upstream: ${reason}`),
  });
  transport.onerror = () => {};
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await transport.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const gone = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
      if (await gone(STDIN_GRACE_MS)) return;
      child.kill('SIGTERM');
      if (await gone(TERM_GRACE_MS)) return;
      child.kill('SIGKILL');
      await exited;
    })());
  return { child, transport, exited, stop };
}
