import { spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { file, scratch, warden, WARDEN_BIN } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';
import { end, model, session, start, tools, user } from '../helpers/trace.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

const clean = (id: string) => session(id, [start(), tools(), user('hello, cust_789 here'), model({ text: 'Hello!' }), end('Hello!')]).map((event) => JSON.stringify(event)).join('\n');
const CHAT = [
  { role: 'user', content: 'Where is ord_1001?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"ord_1001"}' } }] },
  { role: 'tool', tool_call_id: 'c1', name: 'get_order', content: '{"status":"shipped"}' },
  { role: 'assistant', content: 'It shipped.' },
];

describe('warden postmortem on a trace of many sessions', () => {
  const trace = () => file('many-sessions.jsonl', `${clean('calm-1')}\n${specExample()}${clean('calm/2')}\n`);

  it('says which session it drafted and lists the others', () => {
    const run = warden('postmortem', trace());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Postmortem: agent session s-0237/);
    expect(run.stderr).toMatch(/drafted session s-0237 \(the first with a finding: hallucination_propagation\)\. The trace holds 2 other sessions:\n {2}calm-1 {2}none\n {2}calm\/2 {2}none\nDraft another with --session ID, or all with -o DIR\./);
  });

  it('drafts the session asked for, and names the sessions there are when it is not in the trace', () => {
    expect(warden('postmortem', trace(), '--session', 'calm-1').stdout).toMatch(/^# Postmortem: agent session calm-1/);
    const missing = warden('postmortem', trace(), '--session', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/session nope is not in \S+ \(it holds 3: calm-1, s-0237, calm\/2\)/);
  });

  it('drafts every session with -o DIR, one file each', () => {
    const folder = join(scratch, 'postmortems', 'all');
    const run = warden('postmortem', trace(), '-o', folder);
    expect(run.code).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['calm-1.md', 'calm_2.md', 's-0237.md']);
    expect(readFileSync(join(folder, 'calm_2.md'), 'utf8')).toMatch(/^# Postmortem: agent session calm\/2/);
    expect(readFileSync(join(folder, 's-0237.md'), 'utf8')).toMatch(/## 3\. Fault origin and cascade path\n\n- \*\*Origin:\*\* step 3/);
    expect(run.stderr).toMatch(/3 drafts written to /);
  });
});

describe('warden convert', () => {
  it('warns when no tool definitions are given, and not when they are', () => {
    const chat = file('warn-chat.json', JSON.stringify(CHAT));
    const bare = warden('convert', chat);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toMatch(/warning: no tool definitions were given \(--tools FILE\).*TOOL_UNKNOWN/);
    const toolsFile = file('warn-tools.json', JSON.stringify([{ type: 'function', function: { name: 'get_order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } }]));
    const defined = warden('convert', chat, '--tools', toolsFile);
    expect(defined.stderr).not.toMatch(/warning/);
    expect(defined.stdout).toMatch(/"type":"tool\.definitions"/);
  });

  it('reads stdin and skips broken values with their line, converting the rest', () => {
    const text = `${JSON.stringify({ messages: CHAT })}\n{broken\n${JSON.stringify({ session_id: 'kept', messages: CHAT })}\n`;
    const run = spawnSync(process.execPath, [WARDEN_BIN, 'convert', '-', '--session', 'in'], { input: text, encoding: 'utf8', timeout: 170_000 });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/stdin: line 2: not valid JSON/);
    expect(new Set(run.stdout.trim().split('\n').map((line) => JSON.parse(line).session_id))).toEqual(new Set(['in', 'kept']));
  });

  it('streams a 50 MB array of runs in bounded memory', async () => {
    const input = join(scratch, 'big-runs.json');
    const out = createWriteStream(input);
    const run = (index: number) => JSON.stringify({ task_id: index, trial: 0, reward: 1, traj: [...CHAT, { role: 'user', content: `padding ${'lorem ipsum '.repeat(60)}` }] });
    out.write('[\n');
    let written = 0;
    for (let index = 0; written < 50 * 1024 * 1024; index += 1) {
      const text = `${index === 0 ? '' : ',\n'}${run(index)}`;
      written += text.length;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.write('\n]\n');
    await new Promise<void>((resolve) => out.end(() => resolve()));
    expect(statSync(input).size).toBeGreaterThan(50 * 1024 * 1024);

    const memoryLog = join(scratch, 'convert-peak.txt');
    const converted = join(scratch, 'big-runs.jsonl');
    const child = spawnSync(process.execPath, ['--import', fileURLToPath(new URL('../fixtures/peak-memory.mjs', import.meta.url)), WARDEN_BIN, 'convert', input, '-o', converted, '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, WARDEN_MEMORY_LOG: memoryLog },
      timeout: 170_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const peak = Number(readFileSync(memoryLog, 'utf8'));
    // Holding the input would take more than its 50 MB; streaming stays near the baseline of one run at a time.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
    expect(statSync(converted).size).toBeGreaterThan(50 * 1024 * 1024);
  });
});
