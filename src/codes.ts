import type { Action } from './trace/events.js';

/** The anomaly codes of session trace v1, plus the few this implementation adds. */
export const AnomalyCode = {
  ENTITY_UNVERIFIED: 'ENTITY_UNVERIFIED',
  ENTITY_HALLUCINATION: 'ENTITY_HALLUCINATION',
  ENTITY_MISMATCH: 'ENTITY_MISMATCH',
  UNTRUSTED_ENTITY: 'UNTRUSTED_ENTITY',
  TOOL_ARG_MISMATCH: 'TOOL_ARG_MISMATCH',
  TOOL_UNKNOWN: 'TOOL_UNKNOWN',
  TOOL_DEFINITION_CHANGED: 'TOOL_DEFINITION_CHANGED',
  OUTPUT_TRUNCATED: 'OUTPUT_TRUNCATED',
  LOOP_DETECTED: 'LOOP_DETECTED',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  STEP_BUDGET_EXCEEDED: 'STEP_BUDGET_EXCEEDED',
  BURN_RATE_SPIKE: 'BURN_RATE_SPIKE',
  CONTEXT_BLOAT: 'CONTEXT_BLOAT',
  CONTEXT_DRIFT: 'CONTEXT_DRIFT',
  PROMPT_INJECTION: 'PROMPT_INJECTION',
  UNTRUSTED_OUTPUT: 'UNTRUSTED_OUTPUT',
  /** Added: session spend reached an alert level (tokens or money); raised once per level. */
  BUDGET_ALERT: 'BUDGET_ALERT',
  /** Added: a check failed internally; the guard fails closed unless the policy says otherwise. */
  GUARD_ERROR: 'GUARD_ERROR',
  /** Added: the call was refused because the session is paused, awaiting a human. */
  SESSION_PAUSED: 'SESSION_PAUSED',
  /** Added: the call was refused because the session was killed. */
  SESSION_KILLED: 'SESSION_KILLED',
  /** Added: a model with no configured price, in a session with a cost cap (charged at the dearest known price). */
  MODEL_UNPRICED: 'MODEL_UNPRICED',
  /** Added: a tool list named new tools past the session's `limits.maxTools`; they were dropped, their calls refused. */
  TOOL_LIMIT_EXCEEDED: 'TOOL_LIMIT_EXCEEDED',
} as const;
export type AnomalyCode = (typeof AnomalyCode)[keyof typeof AnomalyCode];

/** What the guard does with no configuration (issue #2's table). */
export const DEFAULT_ACTIONS: Readonly<Record<AnomalyCode, Action>> = {
  ENTITY_UNVERIFIED: 'block',
  ENTITY_HALLUCINATION: 'block',
  TOOL_ARG_MISMATCH: 'block',
  TOOL_UNKNOWN: 'block',
  OUTPUT_TRUNCATED: 'block',
  UNTRUSTED_OUTPUT: 'block',
  UNTRUSTED_ENTITY: 'warn',
  ENTITY_MISMATCH: 'block',
  PROMPT_INJECTION: 'block',
  LOOP_DETECTED: 'pause',
  BUDGET_EXCEEDED: 'pause',
  STEP_BUDGET_EXCEEDED: 'warn',
  BURN_RATE_SPIKE: 'throttle',
  BUDGET_ALERT: 'warn',
  CONTEXT_BLOAT: 'warn',
  CONTEXT_DRIFT: 'warn',
  TOOL_DEFINITION_CHANGED: 'warn',
  GUARD_ERROR: 'block',
  SESSION_PAUSED: 'pause',
  SESSION_KILLED: 'kill',
  MODEL_UNPRICED: 'pause',
  TOOL_LIMIT_EXCEEDED: 'block',
};

/** Stricter defaults for tools annotated `destructiveHint: true`. */
export const DEFAULT_DESTRUCTIVE_ACTIONS: Readonly<Partial<Record<AnomalyCode, Action>>> = {
  UNTRUSTED_ENTITY: 'block',
};

const SEVERITY: Readonly<Record<Action, number>> = { allow: 0, warn: 1, throttle: 2, block: 3, pause: 4, kill: 5 };

export function moreSevere(a: Action, b: Action): Action {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

export function severity(action: Action): number {
  return SEVERITY[action];
}
