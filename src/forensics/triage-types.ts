import type { FailureMode } from '../trace/events.js';

export interface FaultOrigin {
  step: number;
  /** The event type at the origin: `llm.call`, `tool.result`, `context.add`, ... */
  type: string;
  reason: string;
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
  cascade: number[];
  actions_after_origin: ActionAfterOrigin[];
  flags: Array<{ code: string; step: number; message: string }>;
  totals: { llm_calls: number; tool_calls: number; input_tokens: number; output_tokens: number };
}
