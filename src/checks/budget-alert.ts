import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';

/**
 * Session spend against the policy's alert levels (`alerts.costUsd`, `alerts.tokens`): each level crossed
 * raises one BUDGET_ALERT, so a runaway session is reported at $1 and $5, long before the bill arrives.
 * The state remembers which levels fired (the evidence's `key`), so a level never fires twice.
 */
export const budgetAlert = defineCheck('budget-alert', ['llm.call'], (event, context) => {
  const { alerts } = context.policy;
  if (alerts.costUsd.length === 0 && alerts.tokens.length === 0) return [];
  const { budget, usage, topSteps } = context.session;
  const charge = budget.charge(event.model, { inputTokens: event.input_tokens ?? 0, outputTokens: event.output_tokens ?? 0 });
  const spentTokens = budget.spent.tokens + charge.tokens;
  const spentCostNano = budget.spent.costNano + charge.costNano;
  const rate = usage.ratePerMinute(context.at);
  const flags: Flag[] = [];
  const raise = (metric: 'cost' | 'tokens', level: number, index: number, count: number, message: string) => {
    const key = `${metric}:${level}`;
    if (context.session.alertFired(key)) return;
    const top = [...topSteps, { step: event.step, tokens: charge.tokens }].sort((a, b) => b.tokens - a.tokens).slice(0, 5);
    flags.push(
      flag(AnomalyCode.BUDGET_ALERT, event.step, `${message} (alert level ${index + 1} of ${count}).`, {
        key,
        metric,
        level,
        spentTokens,
        spentUsd: spentCostNano / 1e9,
        tokensPerMinute: rate === undefined ? null : Math.round(rate),
        topSteps: top,
      }),
    );
  };
  alerts.costUsd.forEach((level, index) => {
    if (spentCostNano >= Math.round(level * 1e9)) raise('cost', level, index, alerts.costUsd.length, `Session spend reached $${level.toFixed(2)}: $${(spentCostNano / 1e9).toFixed(4)} spent`);
  });
  alerts.tokens.forEach((level, index) => {
    if (spentTokens >= level) raise('tokens', level, index, alerts.tokens.length, `Session used ${spentTokens} tokens, past the alert level of ${level}`);
  });
  return flags;
});
