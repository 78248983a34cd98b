import type { Action, Flag } from '../trace/events.js';
import type { ModelAdmission } from '../decision.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import type { Charge } from '../state/budget.js';
import { AnomalyCode } from '../codes.js';
import { decide } from '../pipeline.js';
import { buildRefusal } from '../refusal.js';
import { isTokenCount } from '../state/budget.js';
import { unpricedFlag } from '../checks/budget.js';
import { escalatingFlag, haltFlag, resolveAction } from './halts.js';

/** A model call about to be made: the model, and what it may cost. */
export interface ModelCallEstimate {
  model: string;
  estimatedInputTokens?: number;
  maxOutputTokens?: number;
}

/**
 * Why the caller's estimate cannot be used (NaN, negative, fractional token counts), as a GUARD_ERROR
 * flag; `undefined` when it is usable. Estimates from outside are numbers to check, not to trust:
 * NaN or -1 must not reserve nothing.
 */
export function unusableEstimate(input: ModelCallEstimate, step: number): Flag | undefined {
  const invalid = (['estimatedInputTokens', 'maxOutputTokens'] as const).filter((field) => input[field] !== undefined && !isTokenCount(input[field]));
  if (invalid.length === 0) return undefined;
  const detail = invalid.map((field) => `${field}=${String(input[field])}`).join(', ');
  return { code: AnomalyCode.GUARD_ERROR, step, message: `Model call estimate is unusable (${detail}): token counts must be finite non-negative integers.`, evidence: { stage: 'estimate', invalid: detail } };
}

/**
 * What a model call is reserved at, for memory and shared sessions alike. What is not estimated is
 * reserved conservatively: the largest input and output seen so far, or the policy's defaults before
 * any call. Those defaults stand in for a size nobody knows yet, so they are capped at what remains
 * (a small budget can still start); estimates are taken as given. Every reservation is at least one
 * token, so N concurrent admissions can never pass the cap together.
 */
export function estimateModelCall(state: SessionState, runtime: GuardRuntime, input: ModelCallEstimate): Charge {
  const { budget, usage } = state;
  const defaults = runtime.policy.budget;
  const largestInput = usage.largestInputTokens();
  const largestOutput = usage.largestOutputTokens();
  const defaultedInput = input.estimatedInputTokens === undefined && largestInput === undefined;
  const defaultedOutput = input.maxOutputTokens === undefined && largestOutput === undefined;
  let inputTokens = input.estimatedInputTokens ?? largestInput ?? defaults.defaultInputTokens;
  let outputTokens = input.maxOutputTokens ?? largestOutput ?? defaults.defaultOutputTokens;
  const remaining = budget.maxTokens === undefined ? Number.POSITIVE_INFINITY : budget.maxTokens - budget.spent.tokens - budget.reserved.tokens;
  if ((defaultedInput || defaultedOutput) && inputTokens + outputTokens > remaining) {
    let room = Math.max(0, remaining - (defaultedInput ? 0 : inputTokens) - (defaultedOutput ? 0 : outputTokens));
    if (defaultedInput) {
      inputTokens = Math.min(inputTokens, room);
      room -= inputTokens;
    }
    if (defaultedOutput) outputTokens = Math.min(outputTokens, room);
  }
  if (inputTokens + outputTokens < 1) outputTokens = 1;
  return budget.charge(input.model, { inputTokens, outputTokens });
}

/**
 * Admits a model call against the budget, reserving its estimate (see `estimateModelCall`) so
 * concurrent calls cannot overshoot together. Unusable estimates are refused with GUARD_ERROR. A halted
 * session (or one waiting for a human's answer) admits nothing; a call that does not fit, or an
 * unpriced model under a cost cap, is decided by the policy (a pause asks the escalation handler).
 */
export async function admitModelCall(state: SessionState, runtime: GuardRuntime, input: ModelCallEstimate, throttledMs = 0): Promise<ModelAdmission> {
  const { budget } = state;
  const step = state.lastStep;
  const refuse = (action: Action, flags: Flag[]): ModelAdmission => ({ step, action, flags, proceed: false, refusal: buildRefusal(action, flags, 'Model call') });
  if (state.status === 'killed' || state.status === 'paused') return refuse(state.status === 'killed' ? 'kill' : 'pause', [haltFlag(state, step)]);
  if (state.escalating > 0) return refuse('pause', [escalatingFlag(step)]);
  const unusable = unusableEstimate(input, step);
  if (unusable) return refuse('block', [unusable]);
  const estimate = estimateModelCall(state, runtime, input);
  const flags: Flag[] = [];
  if (budget.maxCostNano !== undefined && estimate.priced === false && !state.isUnpricedKnown(input.model)) flags.push(unpricedFlag(input.model, step));
  const fits = budget.fits(estimate);
  if (flags.length === 0 && fits) {
    return { step, action: throttledMs > 0 ? 'throttle' : 'allow', flags: [], proceed: true, reservationId: budget.reserve(estimate).id, ...(throttledMs > 0 ? { throttledMs } : {}) };
  }
  if (!fits) {
    flags.push({
      code: AnomalyCode.BUDGET_EXCEEDED,
      step,
      message: `A model call of about ${estimate.tokens} tokens does not fit the session budget (${budget.spent.tokens} spent, ${budget.reserved.tokens} reserved).`,
      evidence: { estimate: estimate.tokens, spent: budget.spent.tokens, reserved: budget.reserved.tokens, limit: budget.maxTokens ?? null },
    });
  }
  const action = decide(flags, runtime.policy, undefined);
  const outcome = await resolveAction(state, runtime, action, flags, step);
  const decision: ModelAdmission = { step, action, flags, ...outcome };
  if (decision.proceed && flags.some((found) => found.code === AnomalyCode.MODEL_UNPRICED)) state.markUnpriced(input.model);
  // An approved admission still reserves its estimate, so concurrent admissions see it.
  if (decision.proceed) decision.reservationId = budget.reserve(estimate).id;
  else decision.refusal = buildRefusal(action, flags, 'Model call');
  return decision;
}
