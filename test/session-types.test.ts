import { describe, expect, it } from 'vitest';
import { createGuard, resolvePolicy, PolicyError, type PolicyDocument } from '../src/index.js';
import { MemorySink } from '../src/trace/sinks.js';
import { replayTrace } from '../src/forensics/index.js';
import { ORDER_TOOLS, codes } from './helpers/guard.js';

const POLICY: PolicyDocument = {
  budget: { maxTokens: 100_000 },
  sessionTypes: {
    'support-chat': { budget: { maxTokens: 1_000 }, alerts: { tokens: [500] } },
    'nightly-batch': { budget: { maxTokens: 5_000_000, maxStepTokens: 200_000 }, loop: { maxRepeats: 10 } },
  },
};

describe('session types', () => {
  it('gives each type its own budget, and untyped or undeclared types the policy defaults', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: POLICY });
    const chat = await guard.startSession({ type: 'support-chat' });
    const batch = await guard.startSession({ type: 'nightly-batch' });
    const plain = await guard.startSession();
    const unknown = await guard.startSession({ type: 'not-declared' });
    expect(chat.type).toBe('support-chat');
    for (const session of [chat, batch, plain, unknown]) await session.modelCall({ model: 'm', inputTokens: 2_000, outputTokens: 0 });
    expect(chat.status).toBe('paused');
    expect(codes(await chat.beforeToolCall({ tool: 'search', arguments: { query: 'x' } }))).toContain('BUDGET_EXCEEDED');
    for (const session of [batch, plain, unknown]) expect(session.status).toBe('active');
    // 2,000 + 150,000 passes the batch cap but not the default one.
    await batch.modelCall({ model: 'm', inputTokens: 150_000, outputTokens: 0 });
    const overDefault = await plain.modelCall({ model: 'm', inputTokens: 150_000, outputTokens: 0 });
    expect(batch.status).toBe('active');
    expect(codes(overDefault)).toEqual(['BUDGET_EXCEEDED']);
  });

  it('applies per-type alert levels and loop limits', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, policy: POLICY });
    const chat = await guard.startSession({ type: 'support-chat' });
    expect(codes(await chat.modelCall({ model: 'm', inputTokens: 600, outputTokens: 0 }))).toEqual(['BUDGET_ALERT']);
    const batch = await guard.startSession({ type: 'nightly-batch' });
    await batch.message('user', 'check job job_1');
    const polls = [];
    for (let index = 0; index < 6; index += 1) {
      const decision = await batch.beforeToolCall({ callId: `c${index}`, tool: 'get_status', arguments: { job_id: 'job_1' } });
      polls.push(decision.action);
      await batch.afterToolCall({ callId: `c${index}`, tool: 'get_status', result: { status: 'running' } });
    }
    expect(polls.every((action) => action === 'allow')).toBe(true);
  });

  it('records the type in the trace, and replay puts the session under the same policy', async () => {
    const sink = new MemorySink();
    const guard = createGuard({ tools: ORDER_TOOLS, policy: POLICY, sink });
    const chat = await guard.startSession({ sessionId: 'chat-1', type: 'support-chat' });
    await chat.message('user', 'I am cust_789, where is ord_1001?');
    await chat.modelCall({ model: 'm', inputTokens: 1_200, outputTokens: 10 });
    await chat.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    expect(sink.events[0]).toMatchObject({ type: 'session.start', session_type: 'support-chat' });
    const trace = sink.events.filter((event) => event.type !== 'guard.decision').map((event) => JSON.stringify(event)).join('\n');
    const { Readable } = await import('node:stream');
    const replayed = await replayTrace(Readable.from([trace]), { policy: POLICY });
    expect(replayed.sessions[0]!.decisions).toEqual([{ step: expect.any(Number), tool: 'get_order', action: 'pause', flags: ['BUDGET_EXCEEDED', 'SESSION_PAUSED'] }]);
    const untyped = await replayTrace(Readable.from([trace.replace('"session_type":"support-chat",', '')]), { policy: POLICY });
    expect(untyped.sessions[0]!.decisions[0]!.action).toBe('allow');
  });

  it('rejects a session type that sets prices or an unknown field, naming the path', () => {
    expect(() => resolvePolicy({ sessionTypes: { chat: { budget: { prices: { m: { input: 1, output: 1 } } } } } } as PolicyDocument)).toThrow(PolicyError);
    expect(() => resolvePolicy({ sessionTypes: { chat: { tools: {} } } } as unknown as PolicyDocument)).toThrow(/sessionTypes\/chat/);
  });
});

describe('throttle', () => {
  const minutes = (n: number) => n * 60_000;

  it('delays the next model call while a burn-rate spike lasts, growing, and lifts it when the spike ends', async () => {
    let now = Date.parse('2026-11-25T02:00:00Z');
    const waits: number[] = [];
    const throttles: number[] = [];
    const alerts: string[] = [];
    const guard = createGuard({
      tools: ORDER_TOOLS,
      onAlert: (alert) => alerts.push(alert.kind),
      clock: () => now,
      sleep: async (ms) => void waits.push(ms),
      policy: { budget: { throttle: { initialDelayMs: 100, multiplier: 2, maxDelayMs: 350 } } },
    });
    guard.on('throttle', ({ delayMs }) => throttles.push(delayMs));
    const session = await guard.startSession({ type: 'support-chat' });
    const run = async (inputTokens: number) => {
      const admission = await session.beforeModelCall({ model: 'm', estimatedInputTokens: inputTokens, maxOutputTokens: 100 });
      const decision = await session.modelCall({ model: 'm', inputTokens, outputTokens: 100, reservationId: admission.reservationId });
      return { admission, decision };
    };
    for (let index = 0; index < 12; index += 1) {
      expect((await run(900)).admission.action).toBe('allow');
      now += minutes(5);
    }
    const spiking: string[] = [];
    for (let index = 0; index < 14; index += 1) {
      const { decision } = await run(1_400);
      spiking.push(decision.action);
      now += 20_000;
    }
    expect(spiking).toContain('throttle');
    expect(waits.length).toBeGreaterThanOrEqual(3);
    // Growing while it lasts, capped.
    expect(waits.slice(0, 3)).toEqual([100, 200, 350]);
    expect(throttles).toEqual(waits);
    // The spike pages once, when it begins; every spiking call is still flagged on the trace.
    expect(alerts).toEqual(['burn_rate']);
    expect(spiking.filter((action) => action === 'throttle').length).toBeGreaterThan(1);
    // An hour later, the spike is over: the next call waits once more, then the throttle lifts.
    now += minutes(60);
    await run(900);
    const before = waits.length;
    const calm = await run(900);
    expect(waits.length).toBe(before);
    expect(calm.admission.action).toBe('allow');
    expect(calm.admission.throttledMs).toBeUndefined();
  });

  it('never throttles when the policy maps BURN_RATE_SPIKE to warn', async () => {
    let now = Date.parse('2026-11-25T02:00:00Z');
    const waits: number[] = [];
    const guard = createGuard({ tools: ORDER_TOOLS, clock: () => now, sleep: async (ms) => void waits.push(ms), policy: { actions: { BURN_RATE_SPIKE: 'warn' } } });
    const session = await guard.startSession();
    for (let index = 0; index < 12; index += 1) {
      await session.modelCall({ model: 'm', inputTokens: 900, outputTokens: 100 });
      now += minutes(5);
    }
    for (let index = 0; index < 8; index += 1) {
      await session.beforeModelCall({ model: 'm', estimatedInputTokens: 10, maxOutputTokens: 10 });
      await session.modelCall({ model: 'm', inputTokens: 1_400, outputTokens: 100 });
      now += 20_000;
    }
    expect(waits).toEqual([]);
  });
});
