import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import { checkedUsage } from '../state/usage-numbers.js';

function usd(nano: number): string {
  return `$${(nano / 1e9).toFixed(4)}`;
}

/** Per-call spend against the session budget, the per-step limit, the burn rate and the context median. */
export const modelCallBudget = defineCheck('budget', ['llm.call'], (event, context) => {
  const { budget, usage } = context.session;
  const policy = context.policy.budget;
  const { inputTokens, outputTokens, invalid } = checkedUsage(event);
  const charge = budget.charge(event.model, { inputTokens, outputTokens });
  const flags: Flag[] = [];
  if (invalid.length > 0) {
    const values = Object.fromEntries(invalid.map((field) => [field, String(event[field as 'input_tokens'])]));
    flags.push(flag(AnomalyCode.GUARD_ERROR, event.step, `Model call reports unusable token counts (${invalid.map((field) => `${field}=${values[field]}`).join(', ')}): counts must be finite non-negative integers; the call is charged its reservation instead.`, { stage: 'usage', invalid: values }));
  }
  if (budget.maxCostNano !== undefined && charge.priced === false && !context.session.unpricedFlagged(event.model)) {
    flags.push(unpricedFlag(event.model, event.step));
  }

  const spentTokens = budget.spent.tokens + charge.tokens;
  const spentCost = budget.spent.costNano + charge.costNano;
  if (budget.maxTokens !== undefined && spentTokens > budget.maxTokens) {
    flags.push(flag(AnomalyCode.BUDGET_EXCEEDED, event.step, `Session used ${spentTokens} tokens, over its budget of ${budget.maxTokens}.`, { tokens: spentTokens, limit: budget.maxTokens }));
  } else if (budget.maxCostNano !== undefined && spentCost > budget.maxCostNano) {
    flags.push(flag(AnomalyCode.BUDGET_EXCEEDED, event.step, `Session cost ${usd(spentCost)}, over its budget of ${usd(budget.maxCostNano)}.`, { costUsd: spentCost / 1e9, limitUsd: budget.maxCostNano / 1e9 }));
  }

  if (policy.maxStepTokens !== undefined && charge.tokens > policy.maxStepTokens) {
    flags.push(flag(AnomalyCode.STEP_BUDGET_EXCEEDED, event.step, `One model call used ${charge.tokens} tokens, over the per-step limit of ${policy.maxStepTokens}.`, { tokens: charge.tokens, limit: policy.maxStepTokens, inputTokens, outputTokens }));
  }

  const median = usage.medianInputTokens();
  if (event.input_tokens !== undefined && invalid.length === 0 && median !== undefined && usage.sampleCount >= policy.contextBloatMinCalls && median > 0 && inputTokens > policy.contextBloatMultiplier * median) {
    flags.push(flag(AnomalyCode.CONTEXT_BLOAT, event.step, `Input of ${inputTokens} tokens is ${(inputTokens / median).toFixed(1)}x the session median of ${median}.`, { inputTokens, median, multiplier: policy.contextBloatMultiplier }));
  }

  if (context.at !== undefined) {
    const rate = usage.burnRate(context.at, charge.tokens);
    if (rate && rate.windowTokens > policy.burnRateMultiplier * rate.trailingAverage) {
      flags.push(
        flag(AnomalyCode.BURN_RATE_SPIKE, event.step, `${rate.windowTokens} tokens in the last ${Math.round(policy.burnRateWindowMs / 60_000)} min, ${(rate.windowTokens / rate.trailingAverage).toFixed(1)}x the session's trailing average.`, {
          windowTokens: rate.windowTokens,
          trailingAverage: Math.round(rate.trailingAverage),
          windowMs: policy.burnRateWindowMs,
          multiplier: policy.burnRateMultiplier,
        }),
      );
    }
  }
  return flags;
});

/** A model with no price in a session with a cost cap: flagged (once per model), and charged at the dearest known price. */
export function unpricedFlag(model: string, step: number): Flag {
  return flag(AnomalyCode.MODEL_UNPRICED, step, `Model ${JSON.stringify(model)} has no price in budget.prices, and the session has a cost cap: it is charged at the highest configured price, not for free.`, { model });
}

/** A tool call in a session whose budget is spent pauses too: calls feed the next model call. */
export const toolCallBudget = defineCheck('budget-on-tool-call', ['tool.call'], (event, context) => {
  const { budget } = context.session;
  if (!budget.exhausted()) return [];
  return [
    flag(AnomalyCode.BUDGET_EXCEEDED, event.step, `Session budget is spent (${budget.spent.tokens} tokens${budget.maxCostNano !== undefined ? `, ${usd(budget.spent.costNano)}` : ''}).`, {
      tokens: budget.spent.tokens,
      limit: budget.maxTokens ?? null,
      costUsd: budget.spent.costNano / 1e9,
      limitUsd: budget.maxCostNano === undefined ? null : budget.maxCostNano / 1e9,
    }),
  ];
});
