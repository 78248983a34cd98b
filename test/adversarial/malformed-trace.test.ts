import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReportData, replayTrace, triageTrace, writePostmortem } from '../../src/forensics/index.js';
import { writeTrace } from '../helpers/trace.js';
import { AnomalyCode } from '../../src/codes.js';

// Names that meet Object's members when looked up on a plain object.
const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'get_order', 'ord_1001', 'cust_789', ''];
const TYPES = ['session.start', 'tool.definitions', 'message', 'llm.call', 'tool.call', 'tool.result', 'subagent.output', 'context.add', 'goal.update', 'guard.decision', 'session.end', 'constructor', '__proto__', 'toString'];

const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...NAMES), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...NAMES, 'code', 'message', 'step', 'evidence', 'name', 'id'), tie('value'), { maxKeys: 4 })),
})).value;

/** A field's value: usually of the right kind, sometimes anything at all. */
const field = (right: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: value });
// Evidence with the fields forensics read (ids, tools, steps, sources), each of any kind.
const evidence = fc.dictionary(fc.constantFrom('id', 'tool', 'source', 'sourceStep', 'found', 'steps', 'toolCalls', 'in', 'final', 'stage', 'limit', 'limitUsd', 'metric', 'level'), value, { maxKeys: 5 });
const flagLike = fc.oneof(
  value,
  fc.record({ code: fc.constantFrom(...Object.values(AnomalyCode), 'toString'), step: field(fc.nat(20)), message: field(fc.string()), evidence: fc.oneof(evidence, value) }, { requiredKeys: ['code'] }),
);

const event = fc.record(
  {
    session_id: fc.constantFrom('s', 'constructor', '__proto__', 't'),
    type: fc.constantFrom(...TYPES),
    role: field(fc.constantFrom('user', 'assistant', 'system')),
    content: field(fc.string({ maxLength: 40 })),
    entities: value,
    tools: field(fc.array(fc.record({ name: fc.constantFrom(...NAMES), input_schema: value, annotations: value }), { maxLength: 2 })),
    model: field(fc.constantFrom('gpt-4o', 'constructor')),
    output: field(fc.record({ text: field(fc.string()), tool_calls: field(fc.array(fc.record({ id: field(fc.constantFrom(...NAMES)), name: field(fc.constantFrom(...NAMES)), arguments: value }), { maxLength: 2 })) })),
    input_tokens: field(fc.nat(5_000)),
    finish_reasons: field(fc.constantFrom(['length'], ['stop'])),
    call_id: field(fc.constantFrom('c1', 'c2', 'constructor')),
    tool: field(fc.constantFrom(...NAMES)),
    arguments: value,
    result: value,
    source: field(fc.constantFrom('web', 'subagent', '__proto__')),
    goal: field(fc.string({ maxLength: 20 })),
    target_step: field(fc.nat(20)),
    action: field(fc.constantFrom('allow', 'warn', 'block', 'pause', 'kill')),
    flags: field(fc.array(flagLike, { maxLength: 3 })),
    status: field(fc.constantFrom('completed', 'paused', 'killed', 'error')),
  },
  { requiredKeys: ['session_id', 'type'] },
);

describe('malformed traces', () => {
  it('replay, triage, postmortems and the report read any trace without throwing, skipping what is not an event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (events) => {
        const path = writeTrace(events.map((line, step) => JSON.stringify({ ...line, step })).join('\n'));
        const replay = await replayTrace(path);
        const triage = await triageTrace(path);
        expect(triage.validEvents).toBe(replay.validEvents);
        expect(triage.validEvents + replay.skippedLines).toBeLessThanOrEqual(events.length);
        for (const session of triage.sessions) {
          for (const flag of session.flags) expect([typeof flag.code, typeof flag.step, typeof flag.message]).toEqual(['string', 'number', 'string']);
          expect(typeof (await writePostmortem(path, { sessionId: session.session_id }))).toBe('string');
        }
        await buildReportData([path]);
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });
});
