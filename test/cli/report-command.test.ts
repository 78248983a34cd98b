import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch as dir, warden } from '../helpers/cli.js';


const SPEC = () => file('report-spec.jsonl', specExample());

describe('warden report', () => {
  it('writes one self-contained HTML file and says what it holds', () => {
    const out = join(dir, 'incident.html');
    const run = warden('report', SPEC(), '-o', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/wrote .*incident\.html \(\d+ kB\): 1 session, the worst first: s-0237 \(hallucination propagation, fault origin step 3\)/);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Incident report: s-0237 (hallucination propagation)</title>');
    expect(html).toContain('"session_id":"s-0237"');
  });

  it('writes to stdout with -o -, and to incident.html by default', () => {
    const run = warden('report', SPEC(), '-o', '-');
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('<!doctype html>')).toBe(true);
    const here = spawnSync(process.execPath, [join(process.cwd(), 'bin', 'warden.js'), 'report', SPEC()], { cwd: dir, encoding: 'utf8' });
    expect(here.status).toBe(0);
    expect(existsSync(join(dir, 'incident.html'))).toBe(true);
  });

  it('reads a trace from stdin', () => {
    const run = spawnSync(process.execPath, [join(process.cwd(), 'bin', 'warden.js'), 'report', '-', '-o', '-'], { input: specExample(), encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"sources":["stdin"]');
    expect(run.stdout).toContain('"id":"s-0237"');
  });

  it('reads several files, and names the file and line of a skipped line', () => {
    const lines = specExample().trim().split('\n');
    const first = file('part-1.jsonl', `${lines.slice(0, 4).join('\n')}\n`);
    const second = file('part-2.jsonl', `{oops\n${lines.slice(4).join('\n')}\n`);
    const run = warden('report', first, second, '-o', join(dir, 'parts.html'));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${second}: line 1: not valid JSON`);
    expect(run.stderr).toMatch(/fault origin step 3/);
  });

  it('--session reports one session; a session not in the trace, a missing file or no file at all fail clearly', () => {
    const two = file('two-sessions.jsonl', `${specExample().trim()}\n${specExample().trim().replaceAll('s-0237', 's-other')}\n`);
    const one = warden('report', two, '--session', 's-other', '-o', '-');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('"id":"s-other"');
    expect(one.stdout).not.toContain('"id":"s-0237"');
    const ghost = warden('report', two, '--session', 'ghost', '-o', join(dir, 'ghost.html'));
    expect(ghost).toMatchObject({ code: 1, stderr: `warden report: session ghost is not in ${two}\n` });
    expect(existsSync(join(dir, 'ghost.html'))).toBe(false);
    expect(warden('report', join(dir, 'nope.jsonl')).stderr).toMatch(/cannot read .*nope\.jsonl/);
    expect(warden('report', file('junk.jsonl', 'not a trace\n'), '-o', '-').code).toBe(1);
    const none = warden('report');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('report needs an argument');
  });

  it('is in the usage text', () => {
    expect(warden('--help').stdout).toMatch(/report\s+one self-contained HTML page/);
    expect(warden('report', '--help').stdout).toMatch(/^Usage: warden report \[options\] TRACE\.\.\.[\s\S]*-o, --output FILE[\s\S]*--session ID/);
  });
});

describe('triage and postmortem point to the report', () => {
  it('triage ends its readable output with the report command; --json stays pure JSON', () => {
    const trace = SPEC();
    expect(warden('triage', trace).stdout).toContain(`For the timeline, run: npx warden report ${trace} -o incident.html, then open incident.html in a browser.`);
    expect(() => JSON.parse(warden('triage', trace, '--json').stdout)).not.toThrow();
  });

  it('postmortem says it on stderr, leaving the Markdown as it was', () => {
    const trace = SPEC();
    const run = warden('postmortem', trace, '--session', 's-0237');
    expect(run.stderr).toContain(`npx warden report ${trace} --session s-0237 -o incident.html`);
    expect(run.stdout).not.toContain('warden report');
  });
});
