import { describe, expect, it, vi } from 'vitest';
import { eventProblem } from '../../src/trace/validate.js';
import { file, warden } from '../helpers/cli.js';

// Spawned CLIs on a loaded 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 180_000 });

const RULE = 'an integer from 0 to 2^53-1';

describe('steps and token counts are integers from 0 to 2^53-1', () => {
  it('refuses anything else, naming the field and the line, as JSON wrote it or not', () => {
    // Written as raw JSON text: 1e400 and 9007199254740993 cannot be written by JSON.stringify.
    const lines = [
      '{"session_id":"s","step":0,"type":"session.start"}',
      '{"session_id":"s","step":1e400,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":-1,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":1.5,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":"3","type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":9007199254740992,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":9007199254740993,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":1e300,"type":"message","role":"user","content":"x"}',
      '{"session_id":"s","step":2,"type":"llm.call","model":"m","output":{"text":"hi"},"input_tokens":1e400}',
      '{"session_id":"s","step":3,"type":"llm.call","model":"m","output":{"text":"hi"},"output_tokens":-5}',
      '{"session_id":"s","step":4,"type":"llm.call","model":"m","output":{"text":"hi"},"input_tokens":12.25}',
      '{"session_id":"s","step":5,"type":"guard.decision","target_step":9007199254740992,"action":"allow","flags":[]}',
      // Valid: the largest safe integer, as a step and as a count.
      '{"session_id":"s","step":9007199254740991,"type":"llm.call","model":"m","output":{"text":"hi"},"input_tokens":9007199254740991,"output_tokens":0}',
    ];
    const trace = file('numbers.jsonl', `${lines.join('\n')}\n`);
    for (const command of ['replay', 'triage']) {
      const run = warden(command, trace, '--quiet');
      expect(run.code).toBe(3);
      const reported = run.stderr.trim().split('\n');
      expect(reported).toEqual([
        `warden: ${trace}: line 2: step must be ${RULE}, got a number too large to hold (it reads as Infinity) (skipped)`,
        `warden: ${trace}: line 3: step must be ${RULE}, got the number -1 (skipped)`,
        `warden: ${trace}: line 4: step must be ${RULE}, got the number 1.5 (skipped)`,
        `warden: ${trace}: line 5: step must be ${RULE}, got the string "3" (skipped)`,
        `warden: ${trace}: line 6: step must be ${RULE}, got the number 9007199254740992 (skipped)`,
        `warden: ${trace}: line 7: step must be ${RULE}, got the number 9007199254740992 (skipped)`,
        `warden: ${trace}: line 8: step must be ${RULE}, got the number 1e+300 (skipped)`,
        `warden: ${trace}: line 9: llm.call: input_tokens must be ${RULE}, got a number too large to hold (it reads as Infinity) (skipped)`,
        `warden: ${trace}: line 10: llm.call: output_tokens must be ${RULE}, got the number -5 (skipped)`,
        `warden: ${trace}: line 11: llm.call: input_tokens must be ${RULE}, got the number 12.25 (skipped)`,
        `warden: ${trace}: line 12: guard.decision: target_step must be ${RULE}, got the number 9007199254740992 (skipped)`,
      ]);
    }
    const triage = JSON.parse(warden('triage', trace, '--quiet', '--json').stdout) as { sessions: Array<{ totals: { llm_calls: number; input_tokens: number } }> };
    expect(triage.sessions[0]!.totals).toMatchObject({ llm_calls: 1, input_tokens: 9007199254740991 });
  });

  it('accepts every ordinary step and count', () => {
    for (const value of [0, 1, 42, 1_000_000, 2 ** 31, 2 ** 53 - 1]) {
      expect(eventProblem({ session_id: 's', step: value, type: 'llm.call', model: 'm', output: {}, input_tokens: value, output_tokens: value })).toBeUndefined();
      expect(eventProblem({ session_id: 's', step: value, type: 'guard.decision', target_step: value, action: 'allow', flags: [] })).toBeUndefined();
    }
  });
});
