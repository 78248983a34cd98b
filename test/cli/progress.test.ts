import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { scratch, warden, WARDEN_BIN, wardenWith } from '../helpers/cli.js';
import { AIRLINE_RUNS_GZ, AIRLINE_TOOLS } from '../helpers/tau-bench.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

const PROGRESS = /warden (replay|triage): [\d,]+ events, [\d,]+ sessions, [\d,]+ events\/s/;
/** Progress shows after this long; 0 here, so the test needs no slow input (the default is about a second). */
const env = { WARDEN_PROGRESS_DELAY_MS: '0' };

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), stdout discarded: what a person at
 * a terminal sees on stderr.
 */
function onTerminal(...args: string[]): string {
  const command = [process.execPath, WARDEN_BIN, ...args].map((arg) => `'${arg}'`).join(' ');
  const run = spawnSync('script', ['-qec', `${command} >/dev/null`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 170_000 });
  expect(run.status).toBe(0);
  return run.stdout;
}

describe('progress on an interactive terminal', () => {
  let trace: string;
  beforeAll(() => {
    trace = join(scratch, 'progress.jsonl');
    expect(warden('convert', AIRLINE_RUNS_GZ, '--tools', AIRLINE_TOOLS, '-o', trace, '--quiet').code).toBe(0);
  }, 180_000);

  it('shows events, sessions and rate on a terminal, erases it, and ends with a one-line summary', () => {
    for (const command of ['replay', 'triage']) {
      const seen = onTerminal(command, trace);
      expect(seen).toMatch(PROGRESS);
      expect(seen).toContain('\r\u001b[K');
      const summary = seen.split(/\r\u001b\[K|\r?\n/).filter((line) => line.startsWith(`warden ${command}: 200 sessions`));
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatch(/8,?162 events, .*\d+(\.\d)? m?s$/);
    }
  });

  it('shows none with --json or --quiet; --quiet drops the summary too', () => {
    const json = onTerminal('replay', trace, '--json');
    expect(json).not.toMatch(PROGRESS);
    expect(json).toMatch(/warden replay: 200 sessions/);
    const quiet = onTerminal('triage', trace, '--quiet');
    expect(quiet).not.toMatch(PROGRESS);
    expect(quiet).not.toMatch(/warden triage: 200 sessions/);
  });

  it('shows none on a pipe, only the summary', () => {
    const piped = wardenWith({ env }, 'replay', trace);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(PROGRESS);
    expect(piped.stderr).not.toContain('\u001b');
    expect(piped.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^warden replay: 200 sessions, 8162 events, \d+ stopped .*, \d+ lines skipped, /)]);
  });
});
