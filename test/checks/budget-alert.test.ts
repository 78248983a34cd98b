import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';
import type { BudgetAlert } from '../../src/index.js';

const PRICES = { 'gpt-4o': { input: 2.5, output: 10 } };

describe('spend alerts', () => {
  it('raises each cost level once, in order, before the session reaches double digits', async () => {
    const alerts: BudgetAlert[] = [];
    const { session } = await orderSession({ policy: { budget: { prices: PRICES } }, onAlert: (alert) => alerts.push(alert) });
    // 100k input tokens at $2.50/M = $0.25 per call: $1 after 4 calls, $5 after 20, $9 after 36.
    const flagged: Array<[number, string[]]> = [];
    for (let call = 1; call <= 40; call += 1) {
      const decision = await session.modelCall({ model: 'gpt-4o', inputTokens: 100_000, outputTokens: 0 });
      if (decision.flags.length > 0) flagged.push([call, codes(decision)]);
      expect(decision.proceed).toBe(true);
    }
    expect(flagged).toEqual([
      [4, ['BUDGET_ALERT']],
      [20, ['BUDGET_ALERT']],
      [36, ['BUDGET_ALERT']],
    ]);
    expect(alerts.map((alert) => [alert.kind, alert.level])).toEqual([
      ['cost', 1],
      ['cost', 5],
      ['cost', 9],
    ]);
    expect(alerts[0]).toMatchObject({ sessionId: 's-test', spent: { tokens: 400_000, costUsd: 1 } });
    expect(alerts[0]!.topSteps).toHaveLength(4);
    expect(alerts[2]!.spent.costUsd).toBeLessThan(10);
  });

  it('raises every level one expensive call crosses, and token levels too', async () => {
    const alerts: BudgetAlert[] = [];
    const { session } = await orderSession({ policy: { alerts: { tokens: [1_000, 5_000], costUsd: [] } }, onAlert: (alert) => alerts.push(alert) });
    const first = await session.modelCall({ model: 'm', inputTokens: 5_500, outputTokens: 100 });
    expect(codes(first)).toEqual(['BUDGET_ALERT', 'BUDGET_ALERT']);
    expect(first.action).toBe('warn');
    expect(first.flags.map((flag) => flag.evidence?.level)).toEqual([1_000, 5_000]);
    expect((await session.modelCall({ model: 'm', inputTokens: 50_000, outputTokens: 100 })).flags).toEqual([]);
    expect(alerts.map((alert) => alert.kind)).toEqual(['tokens', 'tokens']);
    expect(alerts[1]!.topSteps[0]).toMatchObject({ tokens: 5_600 });
  });

  it('stays quiet for sessions under every level, and for unpriced models under cost levels', async () => {
    const alerts: BudgetAlert[] = [];
    const { session } = await orderSession({ onAlert: (alert) => alerts.push(alert) });
    for (let call = 0; call < 30; call += 1) expect((await session.modelCall({ model: 'unpriced', inputTokens: 200_000, outputTokens: 10 })).flags).toEqual([]);
    expect(alerts).toEqual([]);
  });

  it('alerts on one anomalously expensive call (the per-step limit)', async () => {
    const alerts: BudgetAlert[] = [];
    const { session } = await orderSession({ policy: { budget: { maxStepTokens: 5_000 } }, onAlert: (alert) => alerts.push(alert) });
    await session.modelCall({ model: 'm', inputTokens: 4_000, outputTokens: 100 });
    await session.modelCall({ model: 'm', inputTokens: 9_000, outputTokens: 100 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'step', step: expect.any(Number) });
  });

  it('a throwing onAlert hook becomes an error event, never an exception in the agent loop', async () => {
    const errors: Error[] = [];
    const { guard, session } = await orderSession({
      policy: { alerts: { tokens: [10], costUsd: [] } },
      onAlert: () => {
        throw new Error('pager down');
      },
    });
    guard.on('error', ({ error }) => errors.push(error));
    const decision = await session.modelCall({ model: 'm', inputTokens: 100, outputTokens: 1 });
    expect(decision.proceed).toBe(true);
    expect(errors.map((error) => error.message)).toEqual(['pager down']);
  });

  it('records BUDGET_ALERT on the trace as a guard decision', async () => {
    const { MemorySink } = await import('../../src/trace/sinks.js');
    const sink = new MemorySink();
    const { session } = await orderSession({ sink, policy: { alerts: { tokens: [100], costUsd: [] } } });
    await session.modelCall({ model: 'm', inputTokens: 150, outputTokens: 1 });
    const decisions = sink.events.filter((event) => event.type === 'guard.decision');
    expect(decisions.at(-1)).toMatchObject({ action: 'warn', flags: [{ code: 'BUDGET_ALERT' }] });
  });
});
