import type { Flag } from '../trace/events.js';
import type { ModelAdmission } from '../decision.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import type { Charge } from '../state/budget.js';
import { AnomalyCode } from '../codes.js';
import { decide } from '../pipeline.js';
import { buildRefusal } from '../refusal.js';
import { haltFlag, resolveAction } from './halts.js';

/** A model call about to be made: the model, and what it may cost. */
export interface ModelCallEstimate {
  model: string;
  estimatedInputTokens?: number;
  maxOutputTokens?: number;
}

/** What a model call is reserved at: the estimate given, else the session's usual input, plus `maxOutputTokens`. */
export function estimateModelCall(state: SessionState, input: ModelCallEstimate): Charge {
  return state.budget.charge(input.model, {
    inputTokens: input.estimatedInputTokens ?? state.usage.medianInputTokens() ?? 0,
    outputTokens: input.maxOutputTokens ?? 0,
  });
}

/**
 * Admits a model call against the budget, reserving its estimate so concurrent calls cannot overshoot
 * together. The estimate defaults to the session's usual input plus `maxOutputTokens`. A halted session
 * admits nothing; a call that does not fit is decided by the policy (a pause asks the escalation handler).
 */
export async function admitModelCall(state: SessionState, runtime: GuardRuntime, input: ModelCallEstimate, throttledMs = 0): Promise<ModelAdmission> {
  const { budget } = state;
  const estimate = estimateModelCall(state, input);
  const step = state.lastStep;
  if (state.status === 'killed' || state.status === 'paused') {
    const flags = [haltFlag(state, step)];
    const action = state.status === 'killed' ? 'kill' : 'pause';
    return { step, action, flags, proceed: false, refusal: buildRefusal(action, flags, 'Model call') };
  }
  if (budget.fits(estimate)) {
    return { step, action: throttledMs > 0 ? 'throttle' : 'allow', flags: [], proceed: true, reservationId: budget.reserve(estimate).id, ...(throttledMs > 0 ? { throttledMs } : {}) };
  }
  const flags: Flag[] = [
    {
      code: AnomalyCode.BUDGET_EXCEEDED,
      step,
      message: `A model call of about ${estimate.tokens} tokens does not fit the session budget (${budget.spent.tokens} spent, ${budget.reserved.tokens} reserved).`,
      evidence: { estimate: estimate.tokens, spent: budget.spent.tokens, reserved: budget.reserved.tokens, limit: budget.maxTokens ?? null },
    },
  ];
  const action = decide(flags, runtime.policy, undefined);
  const outcome = await resolveAction(state, runtime, action, flags, step);
  const decision: ModelAdmission = { step, action, flags, ...outcome };
  if (decision.proceed) decision.reservationId = budget.reserve(estimate).id;
  else decision.refusal = buildRefusal(action, flags, 'Model call');
  return decision;
}
