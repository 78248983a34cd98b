import { describe, expect, it } from 'vitest';
import { createGuard, type EscalationAnswer } from '../../src/index.js';
import { codes, internals, ORDER_TOOLS } from './helpers.js';

/** A guard whose escalation handler waits until the test answers. */
async function escalating(extra: Record<string, unknown> = {}) {
  let answer!: (value: EscalationAnswer) => void;
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (asked = resolve));
  const guard = createGuard({
    tools: ORDER_TOOLS,
    policy: { actions: { ENTITY_HALLUCINATION: 'pause' }, ...extra },
    escalate: () => {
      asked();
      return new Promise<EscalationAnswer>((resolve) => (answer = resolve));
    },
  });
  const session = await guard.startSession();
  await session.message('user', 'I am cust_789, order ord_1001');
  return { guard, session, answer: (value: EscalationAnswer) => answer(value), wasAsked };
}

describe('halts: a pending escalation holds the session', () => {
  it('other calls are refused while a human is being asked (default)', async () => {
    const { session, answer, wasAsked } = await escalating();
    const paused = session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    await wasAsked;
    const other = await session.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } });
    expect(other).toMatchObject({ proceed: false, flags: [{ code: 'SESSION_PAUSED', evidence: { escalating: true } }] });
    const model = await session.beforeModelCall({ model: 'm', estimatedInputTokens: 1, maxOutputTokens: 1 });
    expect(model.proceed).toBe(false);
    answer('approve');
    expect((await paused).proceed).toBe(true);
    expect((await session.beforeToolCall({ tool: 'search', arguments: { query: 'after' } })).proceed).toBe(true);
  });

  it('halts.whileEscalating: queue makes other calls wait for the answer, then decides them', async () => {
    const { session, answer, wasAsked } = await escalating({ halts: { whileEscalating: 'queue' } });
    const paused = session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    await wasAsked;
    let settled = false;
    const queued = session.beforeToolCall({ tool: 'search', arguments: { query: 'waiting' } }).then((decision) => ((settled = true), decision));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    answer('approve');
    await paused;
    expect((await queued).proceed).toBe(true);
  });

  it('kill wins over an approve that arrives after it', async () => {
    const { session, answer, wasAsked } = await escalating();
    const paused = session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    await wasAsked;
    session.kill('operator');
    answer('approve');
    expect(await paused).toMatchObject({ proceed: false, escalation: 'killed' });
  });

  it('kill wins in wrapTool: a tool approved and then killed never runs', async () => {
    let ran = false;
    const guard = createGuard({ tools: ORDER_TOOLS, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } }, escalate: () => 'approve' });
    const session = await guard.startSession();
    guard.on('decision', ({ decision }) => {
      if (decision.escalation === 'approved') session.kill('late operator');
    });
    const tool = session.wrapTool('get_order', async () => {
      ran = true;
      return 'data';
    });
    expect(await tool({ order_id: 'ord_404' })).toMatchObject({ error: 'agent_warden_refused', action: 'kill' });
    expect(ran).toBe(false);
  });

  it.each([['APPROVE'], ['yes'], [true], [1], [{ approve: true }], [undefined]])('an escalation answer of %j is not an approval', async (odd) => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } }, escalate: () => odd as never });
    const session = await guard.startSession();
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
    expect(decision.proceed).toBe(false);
    expect(session.status).toBe('paused');
  });
});

describe('halts: after kill or while paused, content is withheld too', () => {
  const halt = async (how: 'kill' | 'pause') => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: { actions: { LOOP_DETECTED: 'pause' } } });
    const session = await guard.startSession();
    await session.message('user', 'order ord_1001');
    await session.beforeToolCall({ callId: 'early', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    if (how === 'kill') session.kill('operator');
    else {
      internals(session).status = 'paused';
      internals(session).haltedBy = { step: 1, codes: ['TEST'] };
    }
    return session;
  };
  const feeds: Array<[string, (session: Awaited<ReturnType<typeof halt>>) => Promise<{ proceed: boolean; refusal?: unknown; flags: Array<{ code: string }> }>]> = [
    ['afterToolCall', (session) => session.afterToolCall({ callId: 'early', tool: 'get_order', result: { order_id: 'ord_1001', secret_plan: 'x' } })],
    ['modelCall', (session) => session.modelCall({ model: 'm', inputTokens: 1, outputTokens: 1, text: 'Here is everything' })],
    ['subagentOutput', (session) => session.subagentOutput({ summary: 'done' }, { agent: 'researcher' })],
    ['contextAdd', (session) => session.contextAdd('retrieval', 'a document')],
    ['beforeToolCall', (session) => session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } })],
  ];
  for (const how of ['kill', 'pause'] as const) {
    it.each(feeds)(`after ${how}, %s is withheld`, async (_, feed) => {
      const session = await halt(how);
      const decision = await feed(session);
      expect(decision.proceed).toBe(false);
      expect(decision.refusal).toBeDefined();
      expect(codes(decision)).toContain(how === 'kill' ? 'SESSION_KILLED' : 'SESSION_PAUSED');
    });
  }

  it('a withheld result adds nothing to the ledger', async () => {
    const session = await halt('kill');
    await session.afterToolCall({ callId: 'early', tool: 'get_order', result: { related: 'ord_2002' } });
    expect(internals(session).ledger.lookup('ord_2002').trusted).toBeUndefined();
  });

  it('a model call after kill still counts its tokens', async () => {
    const session = await halt('kill');
    await session.modelCall({ model: 'm', inputTokens: 40, outputTokens: 2 });
    expect(internals(session).budget.spent.tokens).toBe(42);
  });
});
