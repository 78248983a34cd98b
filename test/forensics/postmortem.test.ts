import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/forensics/index.js';
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
});
