import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden, wardenWith } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

/** The status a command exits with when it did its work but skipped lines of its input. */
const SKIPPED_INPUT = 3;

/** Every command that reads traces, with what it needs besides the trace (report writes a page). */
const COMMANDS: Array<[string, string[]]> = [
  ['replay', []],
  ['triage', []],
  ['postmortem', []],
  ['report', ['-o', join(scratch, 'exit-status.html')]],
];

/** Thirty sessions of the spec example, gzipped and cut in the middle: the first sessions read, the rest lost. */
function cutGzip(): Buffer {
  const sessions = Array.from({ length: 30 }, (_, index) => specExample().replace(/s-0237/g, `s-${index}`)).join('');
  const whole = gzipSync(Buffer.from(sessions));
  return whole.subarray(0, Math.floor(whole.length / 2));
}

describe('the exit status tells a script whether the whole input was read', () => {
  const clean = file('exit-clean.jsonl', specExample());
  const notJson = file('exit-not-json.jsonl', `${specExample()}{"session_id":"s-0237", this is not JSON\n`);
  const cut = file('exit-cut.jsonl.gz', cutGzip());

  it('a clean trace: 0, and nothing said about skipped lines', () => {
    for (const [command, extra] of COMMANDS) {
      const run = warden(command, clean, '--quiet', ...extra);
      expect(run.code, command).toBe(0);
      expect(run.stderr, command).toBe('');
    }
  });

  it('a line that is not JSON: the rest is read and printed, the line reported, and the status is 3', () => {
    for (const [command, extra] of COMMANDS) {
      const run = warden(command, notJson, '--quiet', ...extra);
      expect(run.code, command).toBe(SKIPPED_INPUT);
      expect(run.stderr, command).toMatch(/exit-not-json\.jsonl: line 9: not valid JSON .*\(skipped\)/);
    }
    // What was read is the same as the clean file's.
    expect(warden('triage', notJson, '--quiet', '--json').stdout).toBe(warden('triage', clean, '--quiet', '--json').stdout);
  });

  it('a gzip file cut short: what was read is printed, the cut reported, and the status is 3, from a file or stdin', () => {
    for (const [command, extra] of COMMANDS) {
      const run = warden(command, cut, '--quiet', ...extra);
      expect(run.code, command).toBe(SKIPPED_INPUT);
      expect(run.stderr, command).toMatch(/the gzip data is cut short/);
    }
    const triaged = warden('triage', cut, '--quiet', '--json');
    const read = (JSON.parse(triaged.stdout) as { sessions: unknown[] }).sessions.length;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(30);
    const piped = wardenWith({ input: readFileSync(cut) }, 'replay', '-', '--quiet');
    expect(piped.code).toBe(SKIPPED_INPUT);
    expect(piped.stderr).toMatch(/stdin: line \d+: the gzip data is cut short/);
  });

  it('a regression under --expect is still 1 when lines were skipped too: the failure says more', () => {
    const trace = join(scratch, 'exit-demo.jsonl');
    expect(warden('demo', '--trace', trace).code).toBe(0);
    const damaged = file('exit-demo-damaged.jsonl', `${readFileSync(trace, 'utf8')}{oops\n`);
    expect(warden('replay', damaged, '--expect', '--quiet').code).toBe(SKIPPED_INPUT);
    const lax = file('exit-lax.json', JSON.stringify({ actions: { ENTITY_HALLUCINATION: 'warn' } }));
    const regressed = warden('replay', damaged, '--expect', '--quiet', '--policy', lax);
    expect(regressed.code).toBe(1);
    expect(regressed.stderr).toMatch(/regression: session s-0237/);
  });

  it('warden convert: a value that is no transcript is skipped with status 3, a clean file is 0', () => {
    const chat = JSON.stringify({ messages: [{ role: 'user', content: 'Has my order shipped?' }, { role: 'assistant', content: 'Yes.' }] });
    expect(warden('convert', file('exit-chat.jsonl', `${chat}\n`), '--quiet').code).toBe(0);
    const run = warden('convert', file('exit-chat-broken.jsonl', `${chat}\n{broken\n`), '--quiet');
    expect(run.code).toBe(SKIPPED_INPUT);
    expect(run.stderr).toMatch(/line 2: not valid JSON/);
  });

  it('warden convert: a gzip file cut short converts the transcripts before the cut, reports the cut, and exits 3', () => {
    const chats = Array.from({ length: 400 }, (_, index) =>
      JSON.stringify({ session_id: `chat-${index}`, messages: [{ role: 'user', content: `Has order W${1_000_000 + index * 7_919} shipped? ${'Please check the carrier and the warehouse notes. '.repeat(4)}` }, { role: 'assistant', content: `Order W${1_000_000 + index * 7_919} left the warehouse.` }] }),
    ).join('\n');
    const whole = gzipSync(Buffer.from(`${chats}\n`));
    const run = warden('convert', file('exit-chats-cut.jsonl.gz', whole.subarray(0, Math.floor(whole.length / 2))), '--quiet');
    expect(run.code).toBe(SKIPPED_INPUT);
    expect(run.stderr).toMatch(/exit-chats-cut\.jsonl\.gz: the gzip data is cut short .*the rest of the file is lost \(skipped\)/);
    const sessions = new Set(run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { session_id: string }).session_id));
    // The first transcripts are whole and in order; the one the cut went through is reported, not converted in part.
    expect(sessions.has('chat-0') && sessions.has('chat-1')).toBe(true);
    expect(sessions.size).toBeGreaterThan(10);
    expect(sessions.size).toBeLessThan(400);
    expect([...sessions]).toEqual(Array.from({ length: sessions.size }, (_, index) => `chat-${index}`));

    // One JSON array of messages cut inside: the messages read before the cut are one transcript, the cut reported.
    const messages = Array.from({ length: 300 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `Message ${index}: ${'the parcel is late, '.repeat(6)}` }));
    const array = gzipSync(Buffer.from(JSON.stringify(messages)));
    const inArray = warden('convert', file('exit-array-cut.json.gz', array.subarray(0, Math.floor(array.length / 2))), '--quiet');
    expect(inArray.code).toBe(SKIPPED_INPUT);
    expect(inArray.stderr).toMatch(/the gzip data is cut short/);
    const events = inArray.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; content?: string });
    expect(events.filter((event) => event.type === 'message').length).toBeGreaterThan(10);
    expect(events.find((event) => event.type === 'message')?.content).toMatch(/^Message 0:/);
  });

  it('the help says so: the main help and every command that reads traces', () => {
    expect(warden('--help').stdout).toMatch(/^3 done, but input lines were skipped/m);
    for (const [command] of COMMANDS) expect(warden(command, '--help').stdout.replace(/\s+/g, ' '), command).toContain('exits with status 3');
    expect(warden('convert', '--help').stdout.replace(/\s+/g, ' ')).toContain('exits with status 3');
  });
});
