import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';

const minutes = (n: number) => n * 60_000;

describe('budgets', () => {
  it('pauses when the session token budget is spent, and refuses tool calls after it', async () => {
    const { session } = await orderSession({ policy: { budget: { maxTokens: 1_000 } } });
    expect((await session.modelCall({ model: 'gpt-4o', inputTokens: 600, outputTokens: 100 })).action).toBe('allow');
    const over = await session.modelCall({ model: 'gpt-4o', inputTokens: 300, outputTokens: 50 });
    expect(codes(over)).toEqual(['BUDGET_EXCEEDED']);
    expect(over.action).toBe('pause');
    const call = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
    expect(call.proceed).toBe(false);
    expect(codes(call)).toContain('BUDGET_EXCEEDED');
  });

  it('prices calls per model in exact integer units', async () => {
    const { session } = await orderSession({ policy: { budget: { maxCostUsd: 0.01, prices: { 'gpt-4o': { input: 2.5, output: 10 } } } } });
    // 2,000 in x $2.50/M + 400 out x $10/M = $0.009: within budget.
    expect((await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 2_000, outputTokens: 400 })).action).toBe('allow');
    const over = await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 400, outputTokens: 1 });
    expect(codes(over)).toEqual(['BUDGET_EXCEEDED']);
    expect(over.flags[0]!.evidence).toMatchObject({ limitUsd: 0.01 });
    expect(session.spend.costUsd * 1e9).toBeCloseTo(2_000 * 2_500 + 400 * 10_000 + 400 * 2_500 + 10_000, 3);
  });

  it('reserves before a model call, so concurrent calls cannot overshoot together', async () => {
    const { session } = await orderSession({ policy: { budget: { maxTokens: 1_000 } } });
    const admissions = await Promise.all(Array.from({ length: 5 }, () => session.beforeModelCall({ model: 'm', estimatedInputTokens: 200, maxOutputTokens: 100 })));
    expect(admissions.filter((admission) => admission.proceed)).toHaveLength(3);
    // The first that does not fit pauses the session; the one after it is refused as paused.
    expect(admissions.slice(3).map(codes)).toEqual([['BUDGET_EXCEEDED'], ['SESSION_PAUSED']]);
    expect(session.status).toBe('paused');
    // Reconcile: two calls used less than reserved, one failed and gives its reservation back.
    const [a, b, c] = admissions.filter((admission) => admission.proceed);
    await session.modelCall({ model: 'm', inputTokens: 150, outputTokens: 50, reservationId: a!.reservationId });
    await session.modelCall({ model: 'm', inputTokens: 100, outputTokens: 20, reservationId: b!.reservationId });
    session.releaseModelCall(c!.reservationId);
    session.releaseModelCall(c!.reservationId);
    expect(session.spend).toMatchObject({ tokens: 320, reserved: { tokens: 0 }, openReservations: 0 });
    session.resume();
    expect((await session.beforeModelCall({ model: 'm', estimatedInputTokens: 500, maxOutputTokens: 100 })).proceed).toBe(true);
  });

  it('warns on a single call over the per-step limit', async () => {
    const { session } = await orderSession({ policy: { budget: { maxStepTokens: 5_000 } } });
    expect((await session.modelCall({ model: 'm', inputTokens: 4_000, outputTokens: 900 })).flags).toEqual([]);
    const big = await session.modelCall({ model: 'm', inputTokens: 9_000, outputTokens: 100 });
    expect(codes(big)).toEqual(['STEP_BUDGET_EXCEEDED']);
    expect(big.action).toBe('warn');
  });

  it('warns on context bloat: input tokens over 3x the session median', async () => {
    const { session } = await orderSession();
    for (const inputTokens of [1_000, 1_200, 1_100, 2_500]) expect((await session.modelCall({ model: 'm', inputTokens, outputTokens: 50 })).flags).toEqual([]);
    const bloated = await session.modelCall({ model: 'm', inputTokens: 4_000, outputTokens: 50 });
    expect(codes(bloated)).toEqual(['CONTEXT_BLOAT']);
    expect(bloated.flags[0]!.evidence).toMatchObject({ median: 1_150 });
  });

  it("warns when the 15-minute burn rate exceeds 3x the session's trailing average", async () => {
    let now = Date.parse('2026-11-25T02:00:00Z');
    const { session } = await orderSession({ clock: () => now });
    // An hour of steady work: 1,000 tokens every 5 minutes.
    for (let index = 0; index < 12; index += 1) {
      expect((await session.modelCall({ model: 'm', inputTokens: 900, outputTokens: 100 })).flags).toEqual([]);
      now += minutes(5);
    }
    // Then a burst: 10 calls of 1,500 tokens in a few minutes.
    const flagged: string[][] = [];
    for (let index = 0; index < 10; index += 1) {
      flagged.push(codes(await session.modelCall({ model: 'm', inputTokens: 1_400, outputTokens: 100 })));
      now += 20_000;
    }
    expect(flagged.slice(0, 3).flat()).toEqual([]);
    expect(flagged.flat()).toContain('BURN_RATE_SPIKE');
  });

  it('does not flag a steady session of any size', async () => {
    let now = Date.parse('2026-11-25T02:00:00Z');
    const { session } = await orderSession({ clock: () => now, policy: { budget: { maxTokens: 10_000_000, maxStepTokens: 100_000 } } });
    for (let index = 0; index < 60; index += 1) {
      expect((await session.modelCall({ model: 'm', inputTokens: 20_000 + (index % 5) * 1_000, outputTokens: 500 })).flags).toEqual([]);
      now += minutes(2);
    }
  });
});
