import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch as dir, warden } from '../helpers/cli.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

describe('warden replay', () => {
  it('prints one JSON element per session with a decision for every tool call', () => {
    const run = warden('replay', file('example.jsonl', specExample()), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        session_id: 's-0237',
        decisions: [
          { step: 4, tool: 'get_order', action: 'block', flags: ['ENTITY_HALLUCINATION'] },
          { step: 5, tool: 'get_order', action: 'block', flags: ['ENTITY_MISMATCH'] },
        ],
      },
    ]);
  });

  it('reports each broken line on stderr with its number, goes on, and exits 3', () => {
    const lines = specExample().trim().split('\n');
    lines.splice(2, 0, '{"broken": ');
    lines.splice(4, 0, '{"session_id":"s-0237","step":1,"type":"message","role":"user","content":"late"}');
    const run = warden('replay', file('damaged.jsonl', lines.join('\n')), '--json');
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/damaged\.jsonl: line 3: not valid JSON/),
      expect.stringMatching(/damaged\.jsonl: line 5: step 1 is not after step 2/),
      expect.stringMatching(/^warden replay: 1 sessions, 8 events, 2 stopped \(2 block\), 0 warned, 2 lines skipped, /),
    ]);
    expect(JSON.parse(run.stdout)[0].decisions).toHaveLength(2);
  });

  it('stops with the bound it reached and how to raise it, not as an internal error, when more sessions are open at once than allowed', () => {
    const events = (session: string, step: number) => JSON.stringify({ session_id: session, step, type: 'message', role: 'user', content: `hi from ${session}` });
    // Three sessions interleaved: each has an event still to come while the others open.
    const lines = [events('a', 1), events('b', 1), events('c', 1), events('a', 2), events('b', 2), events('c', 2)];
    for (const command of ['replay', 'triage']) {
      const run = warden(command, file(`open-${command}.jsonl`, lines.join('\n')), '--max-open-sessions', '2');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^warden ${command}: more than 2 sessions are open at once at line 3: .*raise the bound with --max-open-sessions`));
      expect(run.stderr).not.toMatch(/internal error|please report/);
    }
  });

  it('applies a policy file', () => {
    const policy = file('policy.json', JSON.stringify({ actions: { ENTITY_HALLUCINATION: 'warn', ENTITY_MISMATCH: 'warn' } }));
    const run = warden('replay', file('example2.jsonl', specExample()), '--policy', policy, '--json');
    expect(JSON.parse(run.stdout)[0].decisions.map((decision: { action: string }) => decision.action)).toEqual(['warn', 'warn']);
  });

  it('prints a readable table without --json', () => {
    const run = warden('replay', file('example3.jsonl', specExample()));
    expect(run.stdout).toMatch(/step\s+4\s+block\s+get_order\s+ENTITY_HALLUCINATION/);
  });

  it('fails for a file with no valid event, an unreadable file, a bad policy, or bad usage', () => {
    expect(warden('replay', file('empty.jsonl', '\n{oops\n')).code).toBe(1);
    expect(warden('replay', join(dir, 'nope.jsonl')).code).toBe(1);
    expect(warden('replay', file('ok.jsonl', specExample()), '--policy', file('bad-policy.json', '{"loop": {"maxRepeats": -1}}')).code).toBe(2);
    expect(warden('replay').code).toBe(2);
    expect(warden('frobnicate').code).toBe(2);
  });
});

describe('warden demo', () => {
  it('blocks the hallucinated order at the step it happens, and writes a replayable trace', () => {
    const trace = join(dir, 'demo.jsonl');
    const run = warden('demo', '--trace', trace);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ENTITY_HALLUCINATION step 5/);
    expect(run.stdout).toMatch(/blocked at step 5/);
    const replay = warden('replay', trace, '--json');
    expect(JSON.parse(replay.stdout)[0].decisions[0]).toEqual({ step: 5, tool: 'get_order', action: 'block', flags: ['ENTITY_HALLUCINATION'] });
  });
});
