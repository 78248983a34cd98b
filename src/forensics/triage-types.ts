import type { FailureMode } from '../trace/events.js';

export interface FaultOrigin {
  step: number;
  /** The event type at the origin: `llm.call`, `tool.result`, `context.add`, ... */
  type: string;
  reason: string;
  /** The agent that produced the origin step, when the trace names one (multi-agent sessions). */
  agent?: string;
}

export interface ActionAfterOrigin {
  step: number;
  tool: string;
  /** From the tool's annotations: readOnlyHint -> true, destructiveHint -> false, otherwise unknown. */
  reversible: boolean | null;
}

/** One session's triage, as `warden triage --json` prints it. */
export interface SessionTriage {
  session_id: string;
  mode: FailureMode;
  fault_origin: FaultOrigin | null;
  cascade: readonly number[];
  actions_after_origin: readonly ActionAfterOrigin[];
  flags: ReadonlyArray<{ code: string; step: number; message: string }>;
  /** `cost_usd` is priced with the policy's `budget.prices` (0 when none match); `steps` is the last step. */
  totals: { llm_calls: number; tool_calls: number; input_tokens: number; output_tokens: number; cost_usd: number; steps: number };
  /** From the session's start (`startSession({ type })`); `null` when it was recorded without one. */
  session_type: string | null;
  /** The first event's time, when the trace has times. */
  started_at: string | null;
  /** From the first to the last event with a time. */
  duration_ms: number | null;
}
