import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden, wardenWith } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

/** The spec's example under another session id. */
const example = (sessionId: string) => specExample().replaceAll('s-0237', sessionId);
/** The session ids of `replay --json` (an array) or `triage --json` (`{sessions}`) output. */
const sessionsOf = (stdout: string) => {
  const parsed = JSON.parse(stdout) as Array<{ session_id: string }> | { sessions: Array<{ session_id: string }> };
  return (Array.isArray(parsed) ? parsed : parsed.sessions).map((session) => session.session_id);
};

describe('trace inputs: stdin, several files, folders, gzip', () => {
  it('reads stdin for -, in replay, triage and postmortem', () => {
    for (const name of ['replay', 'triage']) {
      const run = wardenWith({ input: example('from-stdin') }, name, '-', '--json');
      expect(run.code).toBe(0);
      expect(sessionsOf(run.stdout)).toEqual(['from-stdin']);
    }
    const postmortem = wardenWith({ input: example('from-stdin') }, 'postmortem', '-');
    expect(postmortem.code).toBe(0);
    expect(postmortem.stdout).toMatch(/^# Postmortem: agent session from-stdin/);
  });

  it('reads several files in the order given, and names the file of each broken line', () => {
    const a = file('several-a.jsonl', example('a'));
    const b = file('several-b.jsonl', `${example('b')}{oops\n`);
    const run = warden('replay', b, a, '--json');
    expect(run.code).toBe(3);
    expect(sessionsOf(run.stdout)).toEqual(['b', 'a']);
    expect(run.stderr).toMatch(/several-b\.jsonl: line 9: not valid JSON/);
  });

  it("reads a folder's *.jsonl and *.jsonl.gz files sorted by name, and nothing else", () => {
    const folder = join(scratch, 'traces');
    mkdirSync(join(folder, 'nested.jsonl'), { recursive: true });
    writeFileSync(join(folder, '2-second.jsonl'), example('second'));
    writeFileSync(join(folder, '1-first.jsonl.gz'), gzipSync(example('first')));
    writeFileSync(join(folder, '3-third.jsonl'), example('third'));
    writeFileSync(join(folder, 'notes.txt'), 'not a trace');
    writeFileSync(join(folder, 'old.json'), '{}');
    for (const name of ['replay', 'triage']) {
      const run = warden(name, folder, '--json');
      expect(run.code).toBe(0);
      expect(sessionsOf(run.stdout)).toEqual(['first', 'second', 'third']);
      expect(run.stderr).not.toMatch(/skipped\)/);
    }
  });

  it('decompresses gzip given as a file, on stdin, or under a plain .jsonl name', () => {
    expect(sessionsOf(warden('replay', file('zipped.jsonl.gz', gzipSync(example('gz'))), '--json').stdout)).toEqual(['gz']);
    expect(sessionsOf(wardenWith({ input: gzipSync(example('gz-stdin')) }, 'triage', '-', '--json').stdout)).toEqual(['gz-stdin']);
    expect(sessionsOf(warden('replay', file('misnamed.jsonl', gzipSync(example('misnamed'))), '--json').stdout)).toEqual(['misnamed']);
  });

  it('names the path in every input error, never a bare EISDIR or ENOENT, and exits 1', () => {
    const missing = warden('triage', join(scratch, 'absent.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read \S*absent\.jsonl: no such file or directory/);
    const empty = join(scratch, 'empty-folder');
    mkdirSync(empty, { recursive: true });
    const none = warden('replay', empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/cannot read \S*empty-folder: the directory holds no \*\.jsonl or \*\.jsonl\.gz file/);
    const corrupt = warden('replay', file('corrupt.jsonl.gz', 'this is not gzip'));
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/cannot read \S*corrupt\.jsonl\.gz: not valid gzip/);
    const toolsFolder = warden('convert', file('c.json', '[{"role":"user","content":"hi"}]'), '--tools', scratch);
    expect(toolsFolder.code).toBe(2);
    expect(toolsFolder.stderr).toMatch(/cannot use tools file \S+: is a directory/);
    const policyFolder = warden('replay', file('with-policy.jsonl', specExample()), '--policy', scratch);
    expect(policyFolder.code).toBe(2);
    expect(policyFolder.stderr).toMatch(/cannot read policy \S+: is a directory/);
    const traceFolder = warden('demo', '--trace', scratch);
    expect(traceFolder.code).toBe(1);
    expect(traceFolder.stderr).toMatch(/cannot write \S+: is a directory/);
    for (const run of [missing, none, corrupt, toolsFolder, policyFolder, traceFolder]) expect(run.stderr).not.toMatch(/\bE[A-Z]{3,}\b|\n\s+at /);
  });

  it('reports a file with no valid event, and exits 1', () => {
    const run = warden('replay', file('garbage.jsonl', 'nothing\nhere\n'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/garbage\.jsonl holds no valid trace event/);
  });
});
