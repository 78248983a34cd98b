import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGuard, defineCheck, type TraceEvent } from '../src/index.js';
import { MemorySink } from '../src/trace/sinks.js';
import { replayTrace } from '../src/forensics/index.js';
import { ORDER_TOOLS, codes, orderSession } from './helpers/guard.js';
import { Readable } from 'node:stream';
import { CallHistory } from '../src/state/call-history.js';

afterEach(() => vi.restoreAllMocks());

describe('wrapTool', () => {
  it('runs an allowed call and returns the tool result unchanged', async () => {
    const { session } = await orderSession();
    const getOrder = session.wrapTool('get_order', async ({ order_id }: { order_id: string }) => ({ order_id, status: 'shipped' }));
    expect(await getOrder({ order_id: 'ord_1001' })).toEqual({ order_id: 'ord_1001', status: 'shipped' });
  });

  it('never runs a refused call, and returns a refusal the model can read instead of throwing', async () => {
    const { session } = await orderSession();
    let ran = false;
    const refund = session.wrapTool('refund_order', async () => {
      ran = true;
      return 'refunded';
    });
    const answer = await refund({ order_id: 'ord_555', amount: 10 });
    expect(ran).toBe(false);
    expect(answer).toMatchObject({ error: 'agent_warden_refused', action: 'block', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
  });

  it('withholds a result the guard blocks', async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    const getOrder = session.wrapTool('get_order', async () => ({ order_id: 'ord_1001', customer_id: 'cust_123' }));
    expect(await getOrder({ order_id: 'ord_1001' })).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'ENTITY_MISMATCH' }] });
  });

  it("passes the tool's own errors through, recorded as an error result", async () => {
    const sink = new MemorySink();
    const guard = createGuard({ tools: ORDER_TOOLS, sink });
    const session = await guard.startSession();
    await session.message('user', 'order ord_1001');
    const broken = session.wrapTool('get_order', async () => {
      throw new Error('database unavailable');
    });
    await expect(broken({ order_id: 'ord_1001' })).rejects.toThrow('database unavailable');
    expect(sink.events.find((event) => event.type === 'tool.result')).toMatchObject({ is_error: true, result: { error: 'database unavailable' } });
  });
});

describe('decision records', () => {
  it('number a session the same with a sink and without one (no sink: the records are not built, their steps still count)', async () => {
    const run = async (sink?: MemorySink) => {
      let now = Date.parse('2025-01-01T00:00:00Z');
      // A clock that moves on each read: the session reads it the same number of times either way.
      const guard = createGuard({ tools: ORDER_TOOLS, ...(sink ? { sink } : {}), clock: () => (now += 1_000) });
      const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
      const steps: number[] = [(await session.message('user', 'Where is ord_1001?')).step];
      for (const [index, orderId] of ['ord_1001', 'ord_1001', 'ord_9999'].entries()) {
        const decision = await session.beforeToolCall({ callId: `c${index}`, tool: 'get_order', arguments: { order_id: orderId } });
        const result = await session.afterToolCall({ callId: `c${index}`, tool: 'get_order', result: { order_id: orderId, status: 'shipped' } });
        steps.push(decision.step, result.step);
      }
      steps.push((await session.modelCall({ model: 'gpt-4o', inputTokens: 100, outputTokens: 10 })).step, session.step);
      return { steps, clock: now };
    };
    const sink = new MemorySink();
    const recorded = await run(sink);
    const unrecorded = await run();
    expect(unrecorded).toEqual(recorded);
    // With the sink, the steps between are the decision records.
    const decisions = sink.events.filter((event) => event.type === 'guard.decision');
    expect(decisions.length).toBeGreaterThanOrEqual(6);
    expect(recorded.steps.every((step) => !decisions.some((event) => event.step === step))).toBe(true);
  });
});

describe('fail closed', () => {
  it('blocks with GUARD_ERROR when the session cannot record an event, instead of throwing', async () => {
    const { session } = await orderSession();
    // The session's state fails to take the event (as a full disk or a store outage would).
    vi.spyOn(CallHistory.prototype, 'add').mockImplementation(() => {
      throw new Error('disk full');
    });
    const decision = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(decision).toMatchObject({ action: 'block', proceed: false, flags: [{ code: 'GUARD_ERROR', evidence: { stage: 'commit' } }] });
  });

  it('never calls a wrapped tool with unparseable arguments, even when the policy only warns', async () => {
    const { session } = await orderSession({ policy: { actions: { TOOL_ARG_MISMATCH: 'warn' } } });
    let ran = false;
    const search = session.wrapTool('search', async () => (ran = true));
    expect(await search('{"query": "cut off')).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'TOOL_ARG_MISMATCH' }] });
    expect(ran).toBe(false);
    expect(await search('{"query": "fine"}')).toBe(true);
  });

  it('blocks the call with GUARD_ERROR when a check throws, and never throws to the agent loop', async () => {
    const exploding = defineCheck('exploding', ['tool.call'], () => {
      throw new Error('boom');
    });
    const session = await createGuard({ tools: ORDER_TOOLS, checks: [exploding] }).startSession();
    const decision = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(decision.action).toBe('block');
    expect(decision.flags).toMatchObject([{ code: 'GUARD_ERROR', evidence: { check: 'exploding' } }]);
  });

  it('fails open only when the policy says so', async () => {
    const exploding = defineCheck('exploding', ['tool.call'], () => {
      throw new Error('boom');
    });
    const session = await createGuard({ tools: ORDER_TOOLS, checks: [exploding], policy: { onCheckError: 'allow' } }).startSession();
    const decision = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(decision).toMatchObject({ action: 'warn', proceed: true });
  });
});

describe('policy actions', () => {
  it('maps codes to actions, per tool and for destructive tools', async () => {
    const { session } = await orderSession({
      policy: { actions: { ENTITY_HALLUCINATION: 'warn' }, tools: { refund_order: { actions: { ENTITY_HALLUCINATION: 'kill' } } } },
    });
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_9' } })).action).toBe('warn');
    const killed = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_9', amount: 1 } });
    expect(killed.action).toBe('kill');
    expect(session.status).toBe('killed');
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } }))).toEqual(['SESSION_KILLED']);
  });

  it('lists every flag raised for one call, not just the first', async () => {
    const { session } = await orderSession({ policy: { budget: { maxTokens: 10 } } });
    await session.modelCall({ model: 'm', inputTokens: 50, outputTokens: 5 });
    session.resume();
    const decision = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_404', amount: -1 } });
    expect(codes(decision).sort()).toEqual(['BUDGET_EXCEEDED', 'ENTITY_HALLUCINATION', 'TOOL_ARG_MISMATCH']);
    expect(decision.action).toBe('pause');
  });
});

describe('events and recording', () => {
  it('emits flag and decision events', async () => {
    const { guard, session } = await orderSession();
    const seen: string[] = [];
    guard.on('flag', ({ flag }) => seen.push(flag.code));
    guard.on('decision', ({ decision }) => seen.push(decision.action));
    await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_555' } });
    expect(seen).toEqual(['ENTITY_HALLUCINATION', 'block']);
  });

  it('records the session as a trace that replays to the same decisions', async () => {
    const sink = new MemorySink();
    const guard = createGuard({ tools: ORDER_TOOLS, sink });
    const session = await guard.startSession({ sessionId: 'rec', entities: { customer_id: 'cust_789' } });
    await session.message('user', 'I am cust_789');
    const live = [
      await session.beforeToolCall({ callId: 'a', tool: 'get_order', arguments: { order_id: 'ord_555' } }),
      await session.beforeToolCall({ callId: 'b', tool: 'list_orders', arguments: { customer_id: 'cust_789' } }),
    ];
    await session.afterToolCall({ callId: 'b', tool: 'list_orders', result: ['ord_1'] });
    await session.end('completed', 'done');
    const steps = sink.events.map((event) => event.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(sink.events.filter((event) => event.type === 'guard.decision')).toHaveLength(3);
    const trace = Readable.from(sink.events.map((event: TraceEvent) => `${JSON.stringify(event)}\n`));
    const replayed = await replayTrace(trace);
    expect(replayed.sessions[0]!.decisions.map((decision) => [decision.step, decision.action])).toEqual(live.map((decision) => [decision.step, decision.action]));
  });
});
