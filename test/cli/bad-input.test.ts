import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { file, warden, WARDEN_BIN } from '../helpers/cli.js';
import { specExample } from '../helpers/trace-format.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

const FORENSICS = ['replay', 'triage', 'postmortem'];

describe('bad input', () => {
  it('reports a screenful of broken lines, then counts the rest', () => {
    const broken = Array.from({ length: 100 }, (_, index) => `{"session_id":"s","step":${index},"type":"message","role":"robot","content":"x"}`);
    const trace = file('many-broken.jsonl', `${specExample()}${broken.join('\n')}\n`);
    for (const command of FORENSICS) {
      const run = warden(command, trace, '--quiet');
      expect(run.code).toBe(3);
      const lines = run.stderr.trim().split('\n');
      expect(lines.filter((line) => /line \d+: message: role must be one of/.test(line))).toHaveLength(20);
      expect(lines.at(-1)).toBe('warden: 80 more lines skipped (100 in all)');
    }
  });

  it('never echoes raw bytes: control characters escaped, long lines cut', () => {
    const binary = Buffer.concat([Buffer.from('\u001b[31m\u001b]0;pwned\u0007'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x9b]), Buffer.from('x'.repeat(5_000))]);
    const trace = file('binary.jsonl', Buffer.concat([Buffer.from(specExample().replace('"ord_555","customer_id"', '"ord_555\\u001b[2J","customer_id"')), binary, Buffer.from('\n{"session_id":"\\u001b[2J","step":"\\u001b[H"}\n{"session_id":"x","step":0,"type":"tool.call","call_id":"\\u009b31m","tool":"t","arguments":"\\u001b]0;title\\u0007"}\n')]));
    for (const command of FORENSICS) {
      const run = warden(command, trace, '--quiet');
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/line 9: not valid JSON \(.*\\u001b/);
      expect(run.stderr).toMatch(/line 10: step must be an integer from 0 to 2\^53-1, got a string/);
      expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      for (const line of run.stderr.split('\n')) expect(line.length).toBeLessThan(700);
    }
  });

  it('names a value of the wrong type as the wrong type, not as missing', () => {
    const lines = [
      '{"session_id":"w","step":0,"type":"session.start"}',
      '{"session_id":"w","step":1,"type":"llm.call","model":"m","input_tokens":"12","output":{}}',
      '{"session_id":"w","step":"2","type":"message","role":"user","content":"hi"}',
      '{"session_id":"w","step":3,"type":"tool.call","call_id":7,"tool":"t","arguments":{}}',
      '{"session_id":"w","step":4,"type":"tool.call","call_id":"c","tool":"t"}',
      '{"session_id":42,"step":5,"type":"message","role":"user","content":"hi"}',
    ];
    const run = warden('replay', file('wrong-types.jsonl', lines.join('\n')));
    expect(run.stderr).toMatch(/line 2: llm\.call: input_tokens must be an integer from 0 to 2\^53-1, got the string "12"/);
    expect(run.stderr).toMatch(/line 3: step must be an integer from 0 to 2\^53-1, got the string "2"/);
    expect(run.stderr).toMatch(/line 4: tool\.call: call_id must be a string, got the number 7/);
    expect(run.stderr).toMatch(/line 5: tool\.call: missing arguments \(an object or a string\)/);
    expect(run.stderr).toMatch(/line 6: session_id must be a non-empty string, got the number 42/);
  });

  it('triage and postmortem take every line replay takes: odd tool_calls, arguments 100,000 levels deep', () => {
    let deep = '"bottom"';
    for (let level = 0; level < 100_000; level += 1) deep = `{"a":${deep}}`;
    const deepArray = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const lines = [
      '{"session_id":"odd","step":0,"type":"session.start","entities":{"customer_id":"cust_789"}}',
      '{"session_id":"odd","step":1,"type":"llm.call","model":"m","output":{"tool_calls":[null]}}',
      '{"session_id":"odd","step":2,"type":"llm.call","model":"m","output":{"tool_calls":"not an array"}}',
      '{"session_id":"odd","step":3,"type":"llm.call","model":"m","output":{"tool_calls":[{"id":5,"name":null},7,"x"]}}',
      `{"session_id":"odd","step":4,"type":"llm.call","model":"m","output":{"tool_calls":[{"id":"c1","name":"get","arguments":${deep}}]}}`,
      `{"session_id":"odd","step":5,"type":"tool.call","call_id":"c1","tool":"get","arguments":${deep}}`,
      `{"session_id":"odd","step":6,"type":"tool.result","call_id":"c1","tool":"get","result":${deepArray}}`,
      `{"session_id":"odd","step":7,"type":"guard.decision","target_step":5,"action":"block","flags":[null,7,{"code":5}]}`,
      `{"session_id":"odd","step":8,"type":"session.end","status":"completed","output":${deep}}`,
    ];
    const trace = file('odd.jsonl', `${lines.join('\n')}\n`);
    const replay = warden('replay', trace, '--json');
    expect(replay.code).toBe(0);
    expect(replay.stderr).not.toMatch(/skipped\)/);
    for (const command of FORENSICS) {
      const run = warden(command, trace);
      expect({ command, code: run.code }).toEqual({ command, code: 0 });
      expect(run.stderr).not.toMatch(/internal error|skipped\)|Maximum call stack/);
      expect(run.stdout).not.toMatch(/GUARD_ERROR/);
    }
    expect(warden('postmortem', trace).stdout).toMatch(/tool call get\(\{"a":\{"a":.*\{…\}/);
  });

  it('an internal error says where it struck (file, line, session, step); --debug adds the stack', () => {
    const trace = file('planted.jsonl', specExample());
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', fileURLToPath(new URL('../fixtures/fail-at-step.mjs', import.meta.url)), WARDEN_BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, WARDEN_FAIL_AT_STEP: '4' },
        timeout: 170_000,
      });
    for (const command of FORENSICS) {
      const plain = run(command, trace);
      expect(plain.status).toBe(1);
      expect(plain.stderr).toMatch(new RegExp(`^warden ${command}: internal error while processing \\S*planted\\.jsonl line 5 \\(session s-0237, step 4\\): TypeError: planted fault\\nRun again with --debug for the stack trace`));
      expect(plain.stderr).not.toMatch(/\n\s+at /);
      const debug = run(command, trace, '--debug');
      expect(debug.status).toBe(1);
      expect(debug.stderr).toMatch(/planted\.jsonl line 5 \(session s-0237, step 4\)[\s\S]*TypeError: planted fault\n\s+at /);
    }
  });
});
