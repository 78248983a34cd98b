import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/index.js';
import { codes, internals, ORDER_TOOLS } from './helpers.js';

const session = (budget: Record<string, unknown>, extra: Record<string, unknown> = {}) => createGuard({ tools: ORDER_TOOLS, policy: { budget, ...extra } }).startSession();

describe('numbers that cannot lie: usage reports', () => {
  it.each([
    ['NaN', Number.NaN],
    ['negative', -5_000],
    ['fractional', 12.5],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '100'],
    ['an unsafe integer', 2 ** 60],
  ])('an input count that is %s is GUARD_ERROR (never a silent zero), and the cap keeps holding', async (_, bad) => {
    const guarded = await session({ maxTokens: 10_000 });
    const decision = await guarded.modelCall({ model: 'm', inputTokens: bad as number, outputTokens: 10 });
    expect(decision).toMatchObject({ proceed: false, flags: [{ code: 'GUARD_ERROR', evidence: { stage: 'usage' } }] });
    expect(Number.isFinite(internals(guarded).budget.spent.tokens)).toBe(true);
    expect(internals(guarded).budget.spent.tokens).toBeGreaterThan(0);
    guarded.resume();
    const over = await guarded.modelCall({ model: 'm', inputTokens: 20_000, outputTokens: 0 });
    expect(codes(over)).toContain('BUDGET_EXCEEDED');
  });

  it('an output count that is negative cannot pay back spent tokens', async () => {
    const guarded = await session({ maxTokens: 1_000 });
    await guarded.modelCall({ model: 'm', inputTokens: 900, outputTokens: 0 });
    await guarded.modelCall({ model: 'm', inputTokens: 0, outputTokens: -900 });
    expect(internals(guarded).budget.spent.tokens).toBeGreaterThanOrEqual(900);
  });

  it.each([
    ['estimatedInputTokens', { estimatedInputTokens: Number.NaN }],
    ['estimatedInputTokens', { estimatedInputTokens: -1 }],
    ['maxOutputTokens', { maxOutputTokens: 1.5 }],
    ['maxOutputTokens', { maxOutputTokens: Number.POSITIVE_INFINITY }],
  ])('an admission estimate with an unusable %s is refused with GUARD_ERROR', async (_, estimate) => {
    const guarded = await session({ maxTokens: 10_000 });
    const admission = await guarded.beforeModelCall({ model: 'm', ...estimate });
    expect(admission).toMatchObject({ proceed: false, flags: [{ code: 'GUARD_ERROR', evidence: { stage: 'estimate' } }] });
    expect(internals(guarded).budget.reserved.tokens).toBe(0);
  });
});

describe('numbers that cannot lie: admissions and the cap', () => {
  it('200 concurrent admissions with no estimate cannot all pass a budget for 10 tokens', async () => {
    const guarded = await session({ maxTokens: 10 });
    const admissions = await Promise.all(Array.from({ length: 200 }, () => guarded.beforeModelCall({ model: 'm' })));
    expect(admissions.filter((admission) => admission.proceed)).toHaveLength(1);
    expect(internals(guarded).budget.reserved.tokens).toBeLessThanOrEqual(10);
  });

  it('with history, an admission with no estimate reserves the largest call so far', async () => {
    const guarded = await session({ maxTokens: 100_000 });
    await guarded.modelCall({ model: 'm', inputTokens: 3_000, outputTokens: 500 });
    const admissions = await Promise.all(Array.from({ length: 100 }, () => guarded.beforeModelCall({ model: 'm' })));
    const granted = admissions.filter((admission) => admission.proceed).length;
    expect(granted).toBe(Math.floor((100_000 - 3_500) / 3_500));
  });

  it('the cap is inclusive: spending exactly the budget is within it', async () => {
    const guarded = await session({ maxTokens: 1_000 });
    expect(codes(await guarded.modelCall({ model: 'm', inputTokens: 900, outputTokens: 100 }))).toEqual([]);
    expect(codes(await guarded.beforeToolCall({ tool: 'search', arguments: { query: 'x' } }))).toEqual([]);
    expect(codes(await guarded.modelCall({ model: 'm', inputTokens: 1, outputTokens: 0 }))).toEqual(['BUDGET_EXCEEDED']);
  });

  it('an admission that fits exactly is granted', async () => {
    const guarded = await session({ maxTokens: 1_000 });
    expect((await guarded.beforeModelCall({ model: 'm', estimatedInputTokens: 600, maxOutputTokens: 400 })).proceed).toBe(true);
    expect((await guarded.beforeModelCall({ model: 'm', estimatedInputTokens: 1, maxOutputTokens: 0 })).proceed).toBe(false);
  });
});

describe('numbers that cannot lie: prices', () => {
  const prices = { 'gpt-4o': { input: 2.5, output: 10 } };
  it.each(['GPT-4o', 'gpt-4o', ' gpt-4o ', 'openai/gpt-4o', 'OpenAI/GPT-4o-2024-08-06', 'gpt_4o'])('model %j is priced like gpt-4o', async (model) => {
    const guarded = await session({ maxCostUsd: 0.01, prices });
    const decision = await guarded.modelCall({ model, inputTokens: 10_000, outputTokens: 0 });
    expect(internals(guarded).budget.spent.costNano).toBe(25_000_000);
    expect(codes(decision)).toEqual(['BUDGET_EXCEEDED']);
  });

  it('an unknown model under a cost cap is flagged and charged at the dearest known price, not free', async () => {
    const guarded = await session({ maxCostUsd: 100, prices });
    const decision = await guarded.modelCall({ model: 'mystery-model', inputTokens: 1_000, outputTokens: 1_000 });
    expect(codes(decision)).toEqual(['MODEL_UNPRICED']);
    expect(internals(guarded).budget.spent.costNano).toBe(1_000 * 2_500 + 1_000 * 10_000);
  });

  it('an unknown model is flagged at admission too, once; an approving handler lets it run', async () => {
    const guarded = await createGuard({ tools: ORDER_TOOLS, policy: { budget: { maxCostUsd: 100, prices } }, escalate: () => 'approve' }).startSession();
    const first = await guarded.beforeModelCall({ model: 'mystery-model' });
    expect(first).toMatchObject({ proceed: true, escalation: 'approved', flags: [{ code: 'MODEL_UNPRICED' }] });
    expect((await guarded.beforeModelCall({ model: 'mystery-model' })).flags).toEqual([]);
  });

  it('benign: an unknown model with no cost cap is not flagged', async () => {
    const guarded = await session({ maxTokens: 100_000, prices });
    expect(codes(await guarded.modelCall({ model: 'mystery-model', inputTokens: 10, outputTokens: 10 }))).toEqual([]);
  });
});
