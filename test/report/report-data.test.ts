import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReportData, renderReportHtml, writePostmortem, type ReportData, type ReportSession } from '../../src/forensics/index.js';
import { boundedJson } from '../../src/report/bounded-json.js';
import { scriptSafeJson } from '../../src/report/render-html.js';
import { worstFirst } from '../../src/report/session-rank.js';
import { specExample } from '../helpers/trace-format.js';
import { call, end, model, result, session, start, tools, user, writeTrace } from '../helpers/trace.js';
import type { SessionTriage } from '../../src/forensics/triage-types.js';

const SYSTEM_PROMPT = `You are the order assistant of a shop. ${'Follow the refund policy to the letter. '.repeat(20)}`;

/** A clean session: the customer's own order looked up, answered. */
function cleanSession(id: string, extra: Array<Record<string, unknown>> = []) {
  return session(id, [
    start(),
    tools(),
    { type: 'message', role: 'system', content: SYSTEM_PROMPT },
    user('Hi, I am cust_789. Where are my orders?'),
    model({ tool_calls: [{ id: 'c1', name: 'list_orders', arguments: { customer_id: 'cust_789' } }] }),
    call('c1', 'list_orders', { customer_id: 'cust_789' }),
    result('c1', 'list_orders', [{ order_id: 'ord_1001', customer_id: 'cust_789' }]),
    ...extra,
    model({ text: 'You have one order, ord_1001.' }),
    end('You have one order, ord_1001.'),
  ]);
}

/** A session where the model invents an order id and a refund runs on it. */
function inventedRefund(id: string) {
  return session(id, [
    start(),
    tools(),
    { type: 'message', role: 'system', content: SYSTEM_PROMPT },
    user('Refund my blender please, I am cust_789.'),
    model({ tool_calls: [{ id: 'r1', name: 'refund_order', arguments: { order_id: 'ord_4242', amount: 89 } }] }),
    call('r1', 'refund_order', { order_id: 'ord_4242', amount: 89 }),
    result('r1', 'refund_order', { refunded: true }),
    end('Refunded.'),
  ]);
}

function only(data: ReportData, id: string): ReportSession {
  const found = data.sessions.find((candidate) => candidate.id === id);
  expect(found, id).toBeDefined();
  return found!;
}

function textOf(data: ReportData, piece: { text?: string; ref?: number }): string {
  return piece.text ?? data.texts[piece.ref!]!;
}

describe('boundedJson', () => {
  it('writes what JSON.stringify(value, null, 2) writes, cut at the limit, with the whole size', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 400 }), (value, limit) => {
        const whole = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
        const shown = boundedJson(value, limit);
        expect(shown.size).toBe(whole.length);
        expect(whole.startsWith(shown.text)).toBe(true);
        expect(shown.truncated).toBe(whole.length > limit);
        // One character less only where the cut would split a surrogate pair.
        expect(shown.text.length).toBeLessThanOrEqual(Math.min(limit, whole.length));
        expect(shown.text.length).toBeGreaterThanOrEqual(Math.min(limit, whole.length) - 1);
      }),
    );
  });

  it('walks a huge value without writing it, and never splits a character in two', () => {
    const huge = { rows: Array.from({ length: 50_000 }, (_, index) => ({ index, name: `row ${index}` })) };
    const shown = boundedJson(huge, 100);
    expect(shown.text).toHaveLength(100);
    expect(shown.size).toBe(JSON.stringify(huge, null, 2).length);
    expect(boundedJson('ab😀cd', 3).text).toBe('ab');
  });
});

describe('scriptSafeJson', () => {
  it('cannot end its script element or a line early, and reads back the same', () => {
    const value = { text: '</script><script>alert(1)</script> <!-- \u2028 \u2029 & </SCRIPT >' };
    const json = scriptSafeJson(value);
    expect(json).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('buildReportData', () => {
  it("gives the spec example's session its triage, timeline and the postmortem warden postmortem writes", async () => {
    const trace = writeTrace(specExample());
    const data = await buildReportData(trace, { now: new Date('2026-01-01T00:00:00Z') });
    expect(data).toMatchObject({ version: 1, title: 'Incident report: s-0237 (hallucination propagation)', generatedAt: '2026-01-01T00:00:00.000Z', sources: [trace], problemCount: 0, notes: [] });
    const [spec] = data.sessions;
    expect(spec).toMatchObject({ id: 's-0237', outcome: 'completed', worstAction: 'block', guarded: false, tokens: 1383, costUsd: null, events: 8, omittedSteps: 0 });
    expect(spec!.triage).toMatchObject({ mode: 'hallucination_propagation', fault_origin: { step: 3, type: 'llm.call' }, cascade: [3, 4, 5, 6, 7] });
    expect(spec!.steps!.map((step) => [step.step, step.kind, step.action ?? null])).toEqual([
      [0, 'session', null],
      [1, 'definitions', null],
      [2, 'user', null],
      [3, 'model', null],
      [4, 'tool.call', 'block'],
      [5, 'tool.result', 'block'],
      [6, 'model', 'block'],
      [7, 'session', null],
    ]);
    expect(spec!.steps![3]).toMatchObject({ tokens: { input: 612, output: 31 }, title: 'Model call (gpt-4o-2024-08-06) → get_order({ "order_id": "ord_555" })' });
    expect(spec!.steps![4]!.content).toEqual([{ label: 'arguments', text: '{\n  "order_id": "ord_555"\n}', size: 27, truncated: false }]);
    expect(spec!.postmortem).toBe(await writePostmortem(trace));
  });

  it('keeps the live guard decisions of a recorded trace beside the steps they decided', async () => {
    const recorded = session('live', [
      start(),
      tools(),
      user('Where is ord_555?'),
      model({ tool_calls: [{ id: 'c1', name: 'get_order', arguments: { order_id: 'ord_555' } }] }, { ts: '2026-11-25T02:37:00.000Z' }),
      call('c1', 'get_order', { order_id: 'ord_555' }),
      { type: 'guard.decision', target_step: 4, action: 'pause', flags: [{ code: 'BUDGET_EXCEEDED', step: 4, message: 'over budget', evidence: { tokens: 900, limit: 500 } }], ts: '2026-11-25T02:37:01.500Z' },
      end('Stopped.', 'paused'),
    ]);
    const data = await buildReportData(writeTrace(recorded));
    const live = only(data, 'live');
    expect(live).toMatchObject({ outcome: 'paused', worstAction: 'pause', guarded: true, budget: { maxTokens: 500, source: 'trace' }, startedAt: '2026-11-25T02:37:00.000Z', durationMs: 1_500 });
    expect(live.steps!.find((step) => step.step === 4)).toMatchObject({ recordedAction: 'pause' });
    expect(live.steps!.find((step) => step.step === 5)).toMatchObject({ kind: 'guard', decides: { step: 4, action: 'pause' }, sinceMs: 1_500 });
  });

  it('prices model calls with the policy, and takes the budget line from it', async () => {
    const data = await buildReportData(writeTrace(specExample()), { policy: { budget: { maxCostUsd: 0.01, prices: { 'gpt-4o': { input: 2.5, output: 10 } } } } });
    const [spec] = data.sessions;
    expect(spec!.costUsd).toBeCloseTo((1312 * 2.5 + 71 * 10) / 1e6, 9);
    expect(spec!.steps![3]!.costUsd).toBeCloseTo((612 * 2.5 + 31 * 10) / 1e6, 9);
    expect(spec!.budget).toEqual({ source: 'policy', maxCostUsd: 0.01 });
  });

  it('redacts content as the recorder does, in steps, titles, triage and postmortem', async () => {
    const secret = 'sk-live-abcdefghijklmnopqrstuvwxyz123456';
    const data = await buildReportData(
      writeTrace(
        cleanSession('secrets', [
          call('c2', 'send_email', { to: 'ops@example.com', body: `the key is ${secret}`, api_key: 'hunter2-password' }),
          result('c2', 'send_email', { sent: true, echo: `Authorization: Bearer ${secret}` }),
        ]),
      ),
    );
    const text = JSON.stringify(data);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('hunter2-password');
    expect(text).toContain('[REDACTED]');
  });

  it('cuts long content to a size, showing how much there was, and keeps a long value out of memory', async () => {
    const long = 'x'.repeat(30_000);
    const data = await buildReportData(writeTrace(cleanSession('long', [call('c2', 'search_docs', { query: 'refunds' }), result('c2', 'search_docs', { page: long })])), { contentChars: 1_000 });
    const step = only(data, 'long').steps!.find((candidate) => candidate.type === 'tool.result' && candidate.tool === 'search_docs')!;
    expect(step.content[0]).toMatchObject({ label: 'result', truncated: true, size: JSON.stringify({ page: long }, null, 2).length });
    expect(textOf(data, step.content[0]!)).toHaveLength(1_000);
    expect(data.notes.join(' ')).toMatch(/\d+ pieces? of content longer than 1,000 characters (is|are) cut short/);
  });

  it('stores a text every session repeats once', async () => {
    const data = await buildReportData(writeTrace([...cleanSession('a'), ...cleanSession('b'), ...cleanSession('c')]));
    expect(data.texts.filter((text) => text === SYSTEM_PROMPT)).toHaveLength(1);
    const refs = data.sessions.map((entry) => entry.steps!.find((step) => step.kind === 'system')!.content[0]!);
    expect(refs.every((piece) => piece.text === undefined && data.texts[piece.ref!] === SYSTEM_PROMPT)).toBe(true);
  });

  it('sorts the worst first and, over its size budget, drops the timelines of the least severe sessions first', async () => {
    const events = [...cleanSession('clean-1'), ...inventedRefund('refund'), ...cleanSession('clean-2'), ...session('spec', specExample().trim().split('\n').map((line) => JSON.parse(line)).map(({ session_id: _id, step: _step, ...rest }) => rest))];
    const trace = writeTrace(events);
    const full = await buildReportData(trace);
    expect(full.sessions.map((entry) => entry.id)).toEqual(['refund', 'spec', 'clean-1', 'clean-2']);
    expect(full.sessions.every((entry) => entry.steps !== null && entry.postmortem !== null)).toBe(true);

    const small = await buildReportData(trace, { maxBytes: 9_000 });
    expect(small.sessions.map((entry) => entry.id)).toEqual(['refund', 'spec', 'clean-1', 'clean-2']);
    const kept = small.sessions.map((entry) => entry.steps !== null);
    expect(kept[0]).toBe(true);
    expect(kept.indexOf(false)).toBeGreaterThan(0);
    expect(kept.slice(kept.indexOf(false)).every((has) => !has)).toBe(true);
    const dropped = small.sessions.find((entry) => entry.steps === null)!;
    expect(dropped).toMatchObject({ postmortem: null, omitted: expect.stringContaining(`--session ${dropped.id}`) });
    expect(small.notes.join(' ')).toMatch(/sessions \(the least severe\) are listed without their timeline/);
    // Listed all the same, with their triage.
    expect(dropped.triage.session_id).toBe(dropped.id);
    const embedded = JSON.stringify(small.sessions.map((entry) => [entry.steps, entry.postmortem])).length + JSON.stringify(small.texts).length;
    expect(embedded).toBeLessThan(9_000 * 1.25 + 2_000);
  });

  it('keeps the flagged and cascade steps of a session longer than the step limit', async () => {
    const filler: Array<Record<string, unknown>> = [];
    for (let index = 0; index < 30; index += 1) filler.push(user(`still there? ${index}`));
    const long = session('long', [start(), tools(), ...filler, user('Refund my order, I am cust_789.'), model({ tool_calls: [{ id: 'r1', name: 'refund_order', arguments: { order_id: 'ord_4242', amount: 89 } }] }), call('r1', 'refund_order', { order_id: 'ord_4242', amount: 89 }), result('r1', 'refund_order', { refunded: true }), end('Refunded.')]);
    const data = await buildReportData(writeTrace(long), { maxStepsPerSession: 10 });
    const entry = only(data, 'long');
    const steps = entry.steps!.map((step) => step.step);
    expect(steps.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const step of [...entry.triage.cascade, entry.triage.fault_origin!.step, ...entry.triage.flags.map((flag) => flag.step)]) expect(steps).toContain(step);
    expect(steps.at(-1)).toBe(long.at(-1)!.step);
    expect(entry.omittedSteps).toBe(long.length - steps.length);
  });

  it('reads several files as one trace, and names the file and line of a skipped line', async () => {
    const [first, second] = [inventedRefund('refund').slice(0, 4), inventedRefund('refund').slice(4)];
    const problems: Array<{ source?: string; line: number; reason: string }> = [];
    const a = writeTrace(`${first.map((event) => JSON.stringify(event)).join('\n')}`);
    const b = writeTrace(`${JSON.stringify(cleanSession('other')[0])}\n{broken\n${second.map((event) => JSON.stringify(event)).join('\n')}\n`);
    const data = await buildReportData([a, b], { onProblem: (problem) => problems.push(problem) });
    expect(problems).toEqual([{ source: b, line: 2, reason: expect.stringMatching(/not valid JSON/) }]);
    expect(data).toMatchObject({ sources: [a, b], problemCount: 1, problems });
    expect(data.sessions.map((entry) => entry.id)).toEqual(['refund', 'other']);
    expect(only(data, 'refund').steps!.map((step) => step.step)).toEqual(inventedRefund('refund').map((event) => event.step));
    expect(only(data, 'refund').triage.actions_after_origin).toEqual([{ step: 5, tool: 'refund_order', reversible: false }]);
  });

  it('reports on one session when asked, and says when it is not in the trace', async () => {
    const trace = writeTrace([...cleanSession('a'), ...inventedRefund('b')]);
    const data = await buildReportData(trace, { sessionId: 'a' });
    expect(data.sessions.map((entry) => entry.id)).toEqual(['a']);
    await expect(buildReportData(trace, { sessionId: 'ghost' })).rejects.toThrow('session ghost is not in the trace');
  });
});

describe('renderReportHtml', () => {
  it('embeds the data where the page reads it, and the title escaped', async () => {
    const data = await buildReportData(writeTrace(specExample()), { title: 'Incident <b>"2:37am"</b>' });
    const html = renderReportHtml(data);
    expect(html).toContain('<title>Incident &#60;b&#62;&#34;2:37am&#34;&#60;/b&#62;</title>');
    const embedded = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
    expect(JSON.parse(embedded![1]!)).toEqual(JSON.parse(JSON.stringify(data)));
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    // No address to fetch: the only URL is the SVG namespace name, which is never requested.
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/<(link|img|iframe)\b|\bsrc=|https?:\/\//i);
  });
});

describe('worstFirst', () => {
  const triage = (id: string, overrides: Partial<SessionTriage>): SessionTriage => ({ session_id: id, mode: 'none', fault_origin: null, cascade: [], actions_after_origin: [], flags: [], totals: { llm_calls: 0, tool_calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, steps: 0 }, session_type: null, started_at: null, duration_ms: null, ...overrides });
  it('ranks an origin, then irreversible actions after it, then the guard action, findings and tokens', () => {
    const origin = { step: 1, type: 'llm.call', reason: 'x' };
    const sessions = [
      triage('tokens', { totals: { llm_calls: 1, tool_calls: 0, input_tokens: 9_000, output_tokens: 0, cost_usd: 0, steps: 1 } }),
      triage('flagged', { flags: [{ code: 'CONTEXT_BLOAT', step: 2, message: '' }] }),
      triage('origin', { mode: 'tool_misfire', fault_origin: origin }),
      triage('destructive', { mode: 'tool_misfire', fault_origin: origin, actions_after_origin: [{ step: 2, tool: 'refund_order', reversible: false }] }),
      triage('blocked', { mode: 'tool_misfire', fault_origin: origin }),
      triage('quiet', {}),
    ];
    const decisions = [{ session_id: 'blocked', decisions: [{ step: 2, tool: 'get_order', action: 'block' as const, flags: [] }] }];
    expect(worstFirst(sessions, decisions).map((entry) => entry.session_id)).toEqual(['destructive', 'blocked', 'origin', 'flagged', 'tokens', 'quiet']);
  });
});
