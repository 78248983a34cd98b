/**
 * Session trace v1 (docs/trace-format.md): the contract between recording and forensics.
 * Field names are snake_case as the spec requires.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** MCP tool annotations: hints about what a tool does (read only, destructive, idempotent, open world). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

/** A tool definition in trace shape: name, description, input and output JSON Schema, annotations. */
export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  annotations?: ToolAnnotations;
  /**
   * Why the guard could not read the definition as given (nested too deep, too large, a getter that throws): what was
   * kept is its name, and every call of the tool fails closed, naming this.
   */
  unusable?: string;
}

/** A tool call as the model emitted it, inside a model call. */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown> | string;
}

interface EventBase {
  session_id: string;
  step: number;
  ts?: string;
  agent?: string;
}

export interface SessionStartEvent extends EventBase {
  type: 'session.start';
  /** The kind of session (`support-chat`, `nightly-batch`): selects the policy's per-type budgets and alerts. */
  session_type?: string;
  goal?: string;
  entities?: Record<string, string | string[]>;
  metadata?: Record<string, unknown>;
}

export interface ToolDefinitionsEvent extends EventBase {
  type: 'tool.definitions';
  tools: ToolDefinition[];
  /** Written by `acceptDefinitions()`: these definitions replace the pinned ones, approved. */
  accepted?: true;
}

/** Who wrote a message: `user` and `system` are trusted context; `assistant` is the model. */
export type MessageRole = 'system' | 'user' | 'assistant';

export interface MessageEvent extends EventBase {
  type: 'message';
  role: MessageRole;
  content: string;
}

export interface LlmCallEvent extends EventBase {
  type: 'llm.call';
  model: string;
  input_tokens?: number;
  output_tokens?: number;
  finish_reasons?: string[];
  output: { text?: string; tool_calls?: ModelToolCall[] };
  input_messages?: unknown[];
  duration_ms?: number;
}

export interface ToolCallEvent extends EventBase {
  type: 'tool.call';
  call_id: string;
  tool: string;
  arguments: Record<string, unknown> | string;
}

export interface ToolResultEvent extends EventBase {
  type: 'tool.result';
  call_id: string;
  tool: string;
  result: unknown;
  is_error?: boolean;
}

export interface SubagentOutputEvent extends EventBase {
  type: 'subagent.output';
  content: unknown;
  call_id?: string;
}

export interface ContextAddEvent extends EventBase {
  type: 'context.add';
  source: string;
  content: unknown;
}

export interface GoalUpdateEvent extends EventBase {
  type: 'goal.update';
  goal: string;
  source: string;
}

export interface GuardDecisionEvent extends EventBase {
  type: 'guard.decision';
  target_step: number;
  action: Action;
  flags: Flag[];
}

export interface SessionEndEvent extends EventBase {
  type: 'session.end';
  status: 'completed' | 'paused' | 'killed' | 'error';
  output?: unknown;
}

/** Any event of a session trace v1 (a discriminated union on `type`). */
export type TraceEvent =
  | SessionStartEvent
  | ToolDefinitionsEvent
  | MessageEvent
  | LlmCallEvent
  | ToolCallEvent
  | ToolResultEvent
  | SubagentOutputEvent
  | ContextAddEvent
  | GoalUpdateEvent
  | GuardDecisionEvent
  | SessionEndEvent;

/** The `type` of a trace event: what a check subscribes to. */
export type TraceEventType = TraceEvent['type'];

/** An event before the session has placed it: no session id or step yet. */
export type EventInput<E extends TraceEvent = TraceEvent> = E extends TraceEvent
  ? Omit<E, 'session_id' | 'step'> & { step?: number; session_id?: string }
  : never;

/** In order of severity. `throttle` lets the call run after a delay (burn-rate spikes slow a runaway down). */
export const ACTIONS = ['allow', 'warn', 'throttle', 'block', 'pause', 'kill'] as const;
/** What the policy does about a finding, from least to most severe: `allow`, `warn`, `throttle`, `block`, `pause`, `kill`. */
export type Action = (typeof ACTIONS)[number];

/** A finding: plain data, printed for people elsewhere. */
export interface Flag {
  code: string;
  message: string;
  step: number;
  evidence?: Record<string, unknown>;
}

export const FAILURE_MODES = [
  'hallucination_propagation',
  'tool_misfire',
  'context_poisoning',
  'cost_runaway',
  'none',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];
