import type { Action, Flag, ModelToolCall } from './trace/events.js';
import type { Refusal } from './refusal.js';

/** The guard's verdict on one event. */
export interface Decision {
  /** The trace step of the event decided. */
  step: number;
  action: Action;
  /** Every flag raised for the event. */
  flags: Flag[];
  /** Whether the call runs (or the result reaches the model): allow, warn, or a pause a human approved. */
  proceed: boolean;
  escalation?: 'approved' | 'denied' | 'killed' | 'unavailable' | 'timeout' | 'failed';
  /** What the model gets instead, when it does not proceed. */
  refusal?: Refusal;
  /** The event carries no decision (a `guard.decision` event fed back in). */
  ignored?: boolean;
  /**
   * For a tool call that proceeds (or pauses for approval): the deep-frozen snapshot of the arguments the
   * guard checked. The call protocol hands the tool exactly this, never the caller's object (whose getters
   * or Proxy could answer differently).
   */
  arguments?: Readonly<Record<string, unknown>>;
}

/** The verdict on a model call's admission: the budget it reserved, or why it may not run. */
export interface ModelAdmission extends Decision {
  /** Pass to `modelCall`, or to `releaseModelCall` if the call fails. */
  reservationId?: string;
  /** How long the call was held back because the session is spending too fast (`throttle`). */
  throttledMs?: number;
}

/** A tool call the model asked for, before it runs. */
export interface ToolCallInput {
  callId?: string;
  tool: string;
  arguments: Record<string, unknown> | string;
}

/** A tool's answer to a call, before the model sees it. */
export interface ToolResultInput {
  callId: string;
  tool: string;
  result: unknown;
  isError?: boolean;
}

/** One model call as it happened: usage, finish reasons, what it said and which tools it called. */
export interface ModelCallInput {
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: string[];
  text?: string;
  toolCalls?: ModelToolCall[];
  inputMessages?: unknown[];
  durationMs?: number;
  /** The reservation from `beforeModelCall`, reconciled to the actual usage. */
  reservationId?: string;
}

/**
 * The refusal to show instead of a final answer the guard says to withhold (an invented id the model
 * told the user), or `undefined` when the answer may go out. For integrations that can still hold it back.
 * @example
 * const withheld = withheldAnswer(await session.modelCall({ model, text }));
 * if (withheld) text = refusalText(withheld);
 */
export function withheldAnswer(decision: Decision): Refusal | undefined {
  if (decision.proceed || !decision.refusal) return undefined;
  return decision.flags.some((flag) => flag.evidence?.in === 'model_text' && flag.evidence.final === true) ? decision.refusal : undefined;
}
