import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specExample } from '../helpers/trace-format.js';
import { file, scratch as dir, warden } from '../helpers/cli.js';
import { AIRLINE_RUNS_GZ, AIRLINE_TOOLS } from '../helpers/tau-bench.js';
import { cleanOrderChat, inventedRefundChat } from '../helpers/trace.js';
import { replayTrace, triageTrace } from '../../src/forensics/index.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

describe('warden triage', () => {
  it('prints the JSON the issue specifies, one element per session, with the incident groups and baselines', () => {
    const run = warden('triage', file('spec.jsonl', specExample()), '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['sessions', 'incidents', 'baselines']);
    const [triage] = report.sessions;
    expect(Object.keys(triage)).toEqual(['session_id', 'mode', 'fault_origin', 'cascade', 'actions_after_origin', 'flags', 'totals', 'session_type', 'started_at', 'duration_ms']);
    expect(report.incidents).toMatchObject([{ count: 1, example_session: 's-0237', signature: { mode: 'hallucination_propagation' } }]);
    expect(triage).toMatchObject({ mode: 'hallucination_propagation', fault_origin: { step: 3, type: 'llm.call' }, cascade: [3, 4, 5, 6, 7] });
    expect(Object.keys(triage.flags[0])).toEqual(['code', 'step', 'message']);
  });

  it('prints many short sessions a session at a time, exactly as the whole report would print', async () => {
    // Clean sessions cut short and invented refunds, interleaved: the output lists every one of them.
    const sessions = Array.from({ length: 120 }, (_, index) => (index % 4 === 0 ? inventedRefundChat : cleanOrderChat)(`s${index}`, new Date(1_732_500_000_000 + index * 60_000).toISOString()).slice(0, 1 + (index % 6)));
    const lines: string[] = [];
    for (let step = 0; step < 6; step += 1) for (const events of sessions) if (events[step]) lines.push(JSON.stringify(events[step]));
    const path = file('short-sessions.jsonl', `${lines.join('\n')}\n`);
    const triaged = warden('triage', path, '--json');
    expect(triaged.code).toBe(0);
    const { sessions: listed, incidents, baselines } = await triageTrace(path);
    expect(triaged.stdout).toBe(`${JSON.stringify({ sessions: listed, incidents, baselines })}\n`);
    expect(listed.filter((triage) => triage.mode !== 'none').map((triage) => triage.session_id)).toEqual(sessions.flatMap((events, index) => (index % 4 === 0 && events.length >= 5 ? [`s${index}`] : [])));
    const replayed = warden('replay', path, '--json');
    expect(replayed.stdout).toBe(`${JSON.stringify((await replayTrace(path)).sessions)}\n`);
  });

  it('prints a readable report without --json, and reports broken lines', () => {
    const run = warden('triage', file('spec-damaged.jsonl', `${specExample()}\n{oops\n`));
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/session s-0237: hallucination propagation/);
    expect(run.stdout).toMatch(/fault origin\s+step 3 \(llm\.call\)/);
    expect(run.stdout).toMatch(/cascade\s+3 -> 4 -> 5 -> 6 -> 7/);
    expect(run.stdout).toMatch(/incidents: 1 failure pattern\(s\) among 1 session\(s\)\n  1 x hallucination propagation \(ENTITY_HALLUCINATION -> get_order;/);
    expect(run.stdout).toMatch(/next\s+add an eval/);
    expect(run.stderr).toMatch(/line 10: not valid JSON/);
  });

  it('exits non-zero only for usage, unreadable files or no valid event', () => {
    expect(warden('triage', file('empty.jsonl', 'nothing here\n')).code).toBe(1);
    expect(warden('triage').code).toBe(2);
  });
});

describe('warden postmortem', () => {
  it('writes the Markdown postmortem to stdout or a file', () => {
    const trace = file('pm.jsonl', specExample());
    const run = warden('postmortem', trace);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('## 6. Detection gap');
    const out = join(dir, 'pm.md');
    expect(warden('postmortem', trace, '--session', 's-0237', '-o', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# Postmortem: agent session s-0237');
    expect(warden('postmortem', trace, '--session', 'ghost').code).toBe(1);
  });
});

describe('warden replay --expect', () => {
  it('passes while saved stops hold, and fails when a policy change lets a stopped session through', () => {
    const trace = join(dir, 'demo.jsonl');
    expect(warden('demo', '--trace', trace).code).toBe(0);
    const holds = warden('replay', trace, '--expect');
    expect(holds.code).toBe(0);
    expect(holds.stderr).toMatch(/1 of 1 saved stops still hold/);
    const lax = file('lax.json', JSON.stringify({ actions: { ENTITY_HALLUCINATION: 'warn' } }));
    const regressed = warden('replay', trace, '--expect', '--policy', lax);
    expect(regressed.code).toBe(1);
    expect(regressed.stderr).toMatch(/regression: session s-0237 was stopped at step 5 \(ENTITY_HALLUCINATION\)/);
  });
});

describe('warden convert', () => {
  it('turns the tau-bench runs into trace v1 that replays and triages', () => {
    const out = join(dir, 'tau.jsonl');
    const run = warden('convert', AIRLINE_RUNS_GZ, '--tools', AIRLINE_TOOLS, '--model', 'gpt-4o', '-o', out);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/converted 200 session\(s\)/);
    const triage = warden('triage', out, '--json');
    expect(triage.code).toBe(0);
    const { sessions } = JSON.parse(triage.stdout) as { sessions: Array<{ session_id: string; mode: string; totals: { tool_calls: number } }> };
    expect(sessions).toHaveLength(200);
    expect(sessions.reduce((sum, session) => sum + session.totals.tool_calls, 0)).toBe(1_164);
    expect(sessions.find((session) => session.session_id === 'task26-trial0')?.mode).toBe('hallucination_propagation');
    expect(sessions.find((session) => session.session_id === 'task13-trial2')?.mode).toBe('cost_runaway');
  }, 60_000);

  it('converts a plain message list, and one transcript per line', () => {
    const messages = [
      { role: 'user', content: 'Where is ord_1001?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"ord_1001"}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'get_order', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'It shipped.' },
    ];
    const run = warden('convert', file('chat.json', JSON.stringify(messages)), '--session', 'chat-1');
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((event) => event.type)).toEqual(['session.start', 'message', 'llm.call', 'tool.call', 'tool.result', 'llm.call', 'message']);
    expect(events.every((event) => event.session_id === 'chat-1')).toBe(true);
    const perLine = warden('convert', file('chats.jsonl', `${JSON.stringify({ messages })}\n${JSON.stringify({ messages })}\n`));
    expect(new Set(perLine.stdout.trim().split('\n').map((line) => JSON.parse(line).session_id)).size).toBe(2);
    expect(warden('convert', file('nothing.json', '{"hello": 1}')).code).toBe(1);
  });
});
