/**
 * agent-warden/trace: the session trace v1 format (every event type), reading traces, and tool
 * definitions in trace shape.
 */
export type {
  JsonValue,
  JsonObject,
  ToolAnnotations,
  ToolDefinition,
  ModelToolCall,
  SessionStartEvent,
  ToolDefinitionsEvent,
  MessageRole,
  MessageEvent,
  LlmCallEvent,
  ToolCallEvent,
  ToolResultEvent,
  SubagentOutputEvent,
  ContextAddEvent,
  GoalUpdateEvent,
  GuardDecisionEvent,
  SessionEndEvent,
  TraceEvent,
  TraceEventType,
  EventInput,
  Action,
  Flag,
  FailureMode,
} from './events.js';
export { ACTIONS, FAILURE_MODES } from './events.js';
export { readTrace } from './reader.js';
export type { TraceLine, TraceProblem, TraceInputSource } from './reader.js';
export { resolveTraceInputs, readInputLines, InputError } from './input.js';
export type { SourceLine, TraceInput, LineOptions } from './input.js';
export { toToolDefinition } from '../tool-definition.js';
export type { ToolDefinitionLike } from '../tool-definition.js';
