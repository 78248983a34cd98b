import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { file, warden } from '../helpers/cli.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000 });

const WHO_AND_WHEN = fileURLToPath(new URL('../fixtures/who-and-when', import.meta.url));
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
