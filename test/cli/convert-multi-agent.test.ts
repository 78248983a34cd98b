import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { file, warden, wardenWith } from '../helpers/cli.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

const WHO_AND_WHEN = fileURLToPath(new URL('../fixtures/who-and-when', import.meta.url));
const AG2_RUN = join(WHO_AND_WHEN, 'algorithm-generated', '3.json.gz');
const MAGENTIC_RUN = join(WHO_AND_WHEN, 'hand-crafted', '1.json.gz');
const historyOf = (path: string) => (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { history: unknown[] }).history;
const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as { session_id: string; step: number; type: string; agent?: string });

describe('warden convert on multi-agent logs ({"history": [...]}, as in Who&When)', () => {
  it('turns a Magentic-One run into one event per message, history[i] at step i + 1, named after its file', () => {
    const run = warden('convert', MAGENTIC_RUN);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/converted 1 session\(s\), 30 events, 0 tool calls/);
    expect(run.stderr).not.toMatch(/warning/);
    const events = lines(run.stdout);
    expect(events).toHaveLength(historyOf(MAGENTIC_RUN).length + 1);
    expect(events.map((event) => event.step)).toEqual(events.map((_, index) => index));
    expect(events.slice(0, 6).map((event) => [event.type, event.agent])).toEqual([
      ['session.start', undefined],
      ['message', undefined],
      ['llm.call', 'Orchestrator'],
      ['llm.call', 'Orchestrator'],
      ['llm.call', 'Orchestrator'],
      ['subagent.output', 'WebSurfer'],
    ]);
    expect(new Set(events.map((event) => event.session_id))).toEqual(new Set(['1']));
  });

  it('converts and triages in one pipe: the agent that simulated its numbers is the origin, at the step of its message', () => {
    const converted = warden('convert', AG2_RUN);
    const triage = wardenWith({ input: converted.stdout }, 'triage', '-');
    expect(triage.code).toBe(0);
    // history[4] is Verification_Expert's "we can simulate the red and green numbers": step 5.
    expect(triage.stdout).toMatch(/^session 3: hallucination propagation\n {2}fault origin {3}step 5 \(subagent\.output of Verification_Expert\): Verification_Expert works from assumed, simulated or placeholder data/);
    expect(triage.stdout).toMatch(/step 5 ASSUMED_PREMISE: .*we can simulate the red and green numbers/);
    const json = JSON.parse(wardenWith({ input: converted.stdout }, 'triage', '-', '--json').stdout) as { sessions: Array<{ fault_origin: unknown }> };
    expect(json.sessions[0]!.fault_origin).toMatchObject({ step: 5, type: 'subagent.output', agent: 'Verification_Expert' });
  });

  it('takes an array of logs or one log per line, and the main agent from --main-agent', () => {
    const log = { question: 'What is 2 + 2?', history: [{ role: 'user', name: 'Math_Expert', content: 'It is 4.' }, { role: 'user', name: 'Checker', content: 'Confirmed: 4.' }] };
    const array = warden('convert', file('logs.json', JSON.stringify([log, log])), '--main-agent', 'Checker');
    expect(array.code).toBe(0);
    const events = lines(array.stdout);
    expect(new Set(events.map((event) => event.session_id)).size).toBe(2);
    expect(events.filter((event) => event.type === 'llm.call').map((event) => event.agent)).toEqual(['Checker', 'Checker']);
    const perLine = warden('convert', file('logs.jsonl', `${JSON.stringify(log)}\n${JSON.stringify(log)}\n`));
    expect(new Set(lines(perLine.stdout).map((event) => event.session_id)).size).toBe(2);
  });
});
