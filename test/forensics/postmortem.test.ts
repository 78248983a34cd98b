import { describe, expect, it } from 'vitest';
import { buildReportData, triageTrace, writePostmortem } from '../../src/forensics/index.js';
import { specExample } from '../helpers/trace-format.js';
import { end, model, session, start, tools, user, writeTrace } from '../helpers/trace.js';

describe('postmortem', () => {
  it("answers the playbook's six questions from the spec example's trace", async () => {
    const markdown = await writePostmortem(writeTrace(specExample()));
    for (const heading of ['## 1. Session context', '## 2. Failure classification', '## 3. Fault origin and cascade path', '## 4. Impact assessment', '## 5. Contributing factors', '## 6. Detection gap']) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('`s-0237`');
    expect(markdown).toContain("\"Answer the customer's question about their order\"");
    expect(markdown).toContain('**Hallucination propagation**');
    expect(markdown).toMatch(/\*\*Origin:\*\* step 3 \(`llm.call`\)/);
    expect(markdown).toMatch(/step 2: user message: "Hi, this is cust_789/);
    expect(markdown).toMatch(/\| 4 \| `get_order` \| yes \(read-only\)/);
    expect(markdown).toMatch(/would block step 4 \(`get_order`: ENTITY_HALLUCINATION\), 1 step\(s\) after the origin/);
    expect(markdown).toContain('no: the trace holds no guard decisions');
    expect(markdown).toMatch(/event times \(`ts`\)/);
  });

  it('leaves human judgement as explicit prompts, never invented conclusions', async () => {
    const markdown = await writePostmortem(writeTrace(specExample()));
    const factors = markdown.slice(markdown.indexOf('## 5.'), markdown.indexOf('## 6.'));
    expect(factors).toMatch(/_Model limitation: .*\?_/);
    expect(factors).toMatch(/_Prompt design: .*\?_/);
    expect(factors).toMatch(/_Tool interface: .*\?_/);
    expect(factors).toMatch(/_Data contamination: .*\?_/);
    expect(factors).toContain('`ENTITY_MISMATCH`');
  });

  it('says so plainly for a clean session, and picks the session asked for', async () => {
    const clean = session('calm', [start(), tools(), user('hello, I am cust_789'), model({ text: 'Hello! How can I help?' }), end('Hello! How can I help?')]);
    const path = writeTrace([...clean]);
    const markdown = await writePostmortem(path, { sessionId: 'calm' });
    expect(markdown).toContain('**No anomaly found**');
    expect(markdown).toContain('No fault origin');
    await expect(writePostmortem(path, { sessionId: 'nope' })).rejects.toThrow(/session nope is not in the trace/);
  });

  it("takes a recorded guard decision's flags as they come: no message, a step that is no step, evidence that is no object", async () => {
    const path = writeTrace(
      session('odd', [
        start(),
        tools(),
        user('hello, I am cust_789'),
        { type: 'guard.decision', target_step: 2, action: 'block', flags: [{ code: 'LOOP_DETECTED' }, { code: 'PROMPT_INJECTION', step: 'two', message: 7, evidence: 'x' }, null, { message: 'no code' }] },
        end('Bye.'),
      ]),
    );
    const triage = (await triageTrace(path)).sessions[0]!;
    expect(triage.flags).toEqual([
      { code: 'LOOP_DETECTED', step: 2, message: 'LOOP_DETECTED (recorded without a message).' },
      { code: 'PROMPT_INJECTION', step: 2, message: 'PROMPT_INJECTION (recorded without a message).' },
    ]);
    const markdown = await writePostmortem(path, { sessionId: 'odd' });
    expect(markdown).toContain('| 2 | `LOOP_DETECTED` | LOOP_DETECTED (recorded without a message). |');
    expect((await buildReportData([path])).sessions.map((entry) => entry.id)).toEqual(['odd']);
  });

  it("walks back from a recorded flag whatever its evidence holds: objects where text is read, junk where steps and calls are", async () => {
    const odd = { toString: 1 };
    const cases = [
      { code: 'LOOP_DETECTED', evidence: { tool: odd, steps: [odd, null, -3, 1.5] } },
      { code: 'ENTITY_HALLUCINATION', evidence: { tool: odd, id: 'ord_1' } },
      { code: 'OUTPUT_TRUNCATED', evidence: { toolCalls: [null, 5, { id: 7 }] } },
      { code: 'UNTRUSTED_ENTITY', evidence: { id: odd, source: odd, sourceStep: -5 } },
    ];
    for (const flag of cases) {
      const path = writeTrace(
        session('odd', [
          start(),
          { type: 'llm.call', model: 'gpt-4o', output: {}, finish_reasons: ['length'] },
          { type: 'guard.decision', target_step: 1, action: 'block', flags: [{ ...flag, step: 1, message: 'Recorded.' }] },
        ]),
      );
      const origin = (await triageTrace(path)).sessions[0]!.fault_origin;
      expect(origin?.step, flag.code).toBe(1);
      expect(origin?.reason).not.toMatch(/undefined|object Object/);
      expect(await writePostmortem(path, { sessionId: 'odd' })).toContain('**Origin:** step 1');
    }
  });
});
