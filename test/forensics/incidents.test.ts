import { describe, expect, it } from 'vitest';
import { triageTrace, writePostmortem } from '../../src/forensics/index.js';
import { call, cleanOrderChat, end, inventedRefundChat, model, result, session, tools, user, writeTrace } from '../helpers/trace.js';
import type { TraceEvent } from '../../src/trace/events.js';

const at = (minute: number) => new Date(Date.parse('2026-11-20T09:00:00Z') + minute * 60_000).toISOString();

/** A read-only invented lookup in a batch session, answered from the result: informational only. */
function inventedLookup(id: string, minute: number): TraceEvent[] {
  return session(id, [
    { type: 'session.start', session_type: 'nightly-batch', entities: { customer_id: 'cust_789' }, ts: at(minute) },
    tools(),
    user('Summarise order activity for cust_789.'),
    model({ tool_calls: [{ id: 'g1', name: 'get_order', arguments: { order_id: 'ord_9999' } }] }),
    call('g1', 'get_order', { order_id: 'ord_9999' }),
    result('g1', 'get_order', { error: 'not found' }),
    end('No activity.'),
  ]);
}

function trace(): TraceEvent[] {
  return [
    ...cleanOrderChat('chat-1', at(0)),
    ...inventedRefundChat('chat-2', at(10)),
    ...cleanOrderChat('chat-3', at(20)),
    ...inventedRefundChat('chat-4', at(30)),
    ...cleanOrderChat('chat-5', at(40), 6_000),
    ...cleanOrderChat('chat-6', at(50)),
    ...inventedRefundChat('chat-7', at(60)),
    ...inventedLookup('batch-1', 70),
  ];
}

describe('incidents across sessions', () => {
  it('groups sessions by failure signature, with count, first and last seen, and an example', async () => {
    const report = await triageTrace(writeTrace(trace()));
    expect(report.incidents).toHaveLength(2);
    const [refunds, lookup] = report.incidents;
    expect(refunds).toMatchObject({
      signature: { mode: 'hallucination_propagation', origin_check: 'ENTITY_HALLUCINATION', tool: 'refund_order' },
      count: 3,
      first_seen: at(10),
      last_seen: at(60),
      example_session: 'chat-2',
      sessions: ['chat-2', 'chat-4', 'chat-7'],
    });
    expect(refunds!.escalation.level).toBe('postmortem');
    expect(refunds!.escalation.reasons.join(' | ')).toMatch(/external action taken.*\| same pattern in 3 sessions/);
    expect(lookup).toMatchObject({ count: 1, example_session: 'batch-1', signature: { tool: 'get_order' } });
  });

  it('applies the playbook rule: one read-only session within its baseline is an eval, not a postmortem', async () => {
    const report = await triageTrace(writeTrace(trace()));
    const lookup = report.incidents.find((group) => group.example_session === 'batch-1')!;
    expect(lookup.escalation).toEqual({ level: 'eval', reasons: [] });
  });

  it('computes each session type baseline: median tokens, cost, steps and duration', async () => {
    const report = await triageTrace(writeTrace(trace()), { policy: { budget: { prices: { 'gpt-4o': { input: 2.5, output: 10 } } } } });
    const chat = report.baselines.find((baseline) => baseline.session_type === 'support-chat')!;
    expect(chat.sessions).toBe(7);
    expect(chat.median.tokens).toBe(1_280);
    expect(chat.median.cost_usd).toBeCloseTo(0.0038, 9);
    expect(chat.median.duration_ms).toBe(120_000);
    expect(chat.median.steps).toBe(7);
    expect(report.baselines.map((baseline) => [baseline.session_type, baseline.sessions])).toEqual([
      ['support-chat', 7],
      ['nightly-batch', 1],
    ]);
    const expensive = report.sessions.find((triaged) => triaged.session_id === 'chat-5')!;
    expect(expensive.session_type).toBe('support-chat');
    expect(expensive.duration_ms).toBe(120_000);
  });

  it('escalates a session costing more than 5x its baseline, and says so in the postmortem', async () => {
    const events = [...cleanOrderChat('a', at(0)), ...cleanOrderChat('b', at(10)), ...cleanOrderChat('c', at(20)), ...cleanOrderChat('d', at(30))];
    // One session loops on the same lookup: many model calls, far above the baseline.
    const looping = session('runaway', [
      { type: 'session.start', session_type: 'support-chat', entities: { customer_id: 'cust_789' }, ts: at(40) },
      tools(),
      user('Where is ord_1001? I am cust_789.'),
      ...Array.from({ length: 8 }, (_, index) => [
        model({ tool_calls: [{ id: `l${index}`, name: 'get_order', arguments: { order_id: 'ord_1001' } }] }, { input_tokens: 4_000 }),
        call(`l${index}`, 'get_order', { order_id: 'ord_1001' }),
        result(`l${index}`, 'get_order', { order_id: 'ord_1001', customer_id: 'cust_789', status: 'shipped' }),
      ]).flat(),
    ]);
    const path = writeTrace([...events, ...looping]);
    const report = await triageTrace(path);
    const runaway = report.incidents.find((group) => group.example_session === 'runaway')!;
    expect(runaway.count).toBe(1);
    expect(runaway.escalation.level).toBe('postmortem');
    expect(runaway.escalation.reasons.join()).toMatch(/cost more than 5x baseline \(runaway at \d+\.\dx the support-chat baseline\)/);
    const markdown = await writePostmortem(path, { sessionId: 'runaway' });
    expect(markdown).toMatch(/\*\*Cost impact:\*\* 32\d+ tokens over 8 model calls: \d+\.\dx the baseline of support-chat over 5 sessions \(median 1,280 tokens\)\./);
    expect(markdown).toContain('(type `support-chat`)');
    expect(markdown).toMatch(/\*\*Escalation:\*\* full postmortem/);
  });

  it('says when there is no baseline to compare with', async () => {
    const path = writeTrace(inventedRefundChat('alone', at(0)));
    const markdown = await writePostmortem(path);
    expect(markdown).toMatch(/No baseline: the traces read hold fewer than 3 sessions of type support-chat/);
  });
});
