import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden, WARDEN_BIN, wardenWith } from '../helpers/cli.js';
import { AIRLINE_RUNS_GZ, AIRLINE_TOOLS } from '../helpers/tau-bench.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

/** Runs `warden ARGS | head -c 100` in a shell: the CLI's exit status and its stderr. */
function intoClosedPipe(...args: string[]) {
  const quoted = [process.execPath, WARDEN_BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const run = spawnSync('bash', ['-c', `${quoted} 2>"$WARDEN_ERR" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
    encoding: 'utf8',
    env: { ...process.env, WARDEN_ERR: join(scratch, 'pipe-stderr.txt') },
    timeout: 170_000,
  });
  return { code: Number(run.stdout.trim()), stderr: readFileSync(join(scratch, 'pipe-stderr.txt'), 'utf8') };
}

describe('output', () => {
  it('ends quietly with status 0 when stdout is a pipe closed early (| head)', () => {
    const converted = intoClosedPipe('convert', AIRLINE_RUNS_GZ, '--tools', AIRLINE_TOOLS, '--quiet');
    expect(converted).toEqual({ code: 0, stderr: '' });
    const big = join(scratch, 'big.jsonl');
    expect(warden('convert', AIRLINE_RUNS_GZ, '--tools', AIRLINE_TOOLS, '-o', big).code).toBe(0);
    const replayed = intoClosedPipe('replay', big, '--quiet');
    expect(replayed).toEqual({ code: 0, stderr: '' });
  });

  it('-o creates missing parent folders, for postmortem and convert', () => {
    const trace = file('for-output.jsonl', specExample());
    const markdown = join(scratch, 'reports', 'deep', 'er', 'postmortem.md');
    expect(warden('postmortem', trace, '-o', markdown).code).toBe(0);
    expect(readFileSync(markdown, 'utf8')).toMatch(/^# Postmortem: agent session s-0237/);
    const converted = join(scratch, 'converted', 'sub', 'chat.jsonl');
    const chat = file('chat-out.json', JSON.stringify([{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi' }]));
    expect(warden('convert', chat, '-o', converted, '--session', 'c').code).toBe(0);
    expect(readFileSync(converted, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).type)).toEqual(['session.start', 'message', 'llm.call', 'message']);
    const demoTrace = join(scratch, 'demo-out', 'nested', 'demo.jsonl');
    expect(warden('demo', '--trace', demoTrace).code).toBe(0);
    expect(existsSync(demoTrace)).toBe(true);
  });

  it('names the path when an output cannot be written', () => {
    const trace = file('for-bad-output.jsonl', specExample());
    const run = warden('postmortem', trace, '--session', 's-0237', '-o', join(trace, 'below-a-file.md'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write \S*below-a-file\.md: a part of the path is a file/);
  });

  it('leaves no temporary file behind: the demo without --trace, triage of stdin', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'warden-tmp-'));
    const env = { TMPDIR: tmp, TMP: tmp, TEMP: tmp };
    const demo = wardenWith({ env }, 'demo');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Record it with --trace FILE/);
    expect(wardenWith({ env, input: specExample() }, 'triage', '-').code).toBe(0);
    expect(wardenWith({ env, input: specExample() }, 'postmortem', '-').code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    const kept = join(tmp, 'kept.jsonl');
    expect(wardenWith({ env }, 'demo', '--trace', kept).code).toBe(0);
    expect(readdirSync(tmp)).toEqual(['kept.jsonl']);
  });
});
