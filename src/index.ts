/**
 * agent-warden: the public API. Any new export added here becomes public API; use named exports.
 */
export { createGuard, Guard } from './guard.js';
export type { GuardOptions, StartSessionOptions, TraceSink } from './guard.js';
export { GuardSession, withheldAnswer } from './session.js';
export type { Decision, ModelAdmission, ModelCallInput, ToolCallInput, ToolResultInput } from './session.js';
export type { EscalationAnswer, EscalationHandler, GuardEvents } from './runtime.js';
export type { Refusal } from './refusal.js';
export { refusalText } from './refusal.js';
export { AnomalyCode, DEFAULT_ACTIONS } from './codes.js';
export { resolvePolicy, loadPolicyFile, PolicyError, DEFAULT_POLICY } from './policy/policy.js';
export type { Policy, PolicyDocument, ToolPolicy, EntityKindPolicy, BudgetPolicy, LoopPolicy } from './policy/policy.js';
export type { EntityResolver } from './checks/entity-verification.js';
export { defineCheck, flag } from './checks/check.js';
export type { Check, CheckContext } from './checks/check.js';
export type { SessionStore } from './store.js';
export type { ProvenanceMode } from './state/session-state.js';
export { createMemoryStore } from './store.js';
export { replayTrace } from './replay.js';
export type { ReplayReport, ReplaySession, ReplayDecision } from './replay.js';
export { readTrace } from './trace/reader.js';
export { triageTrace } from './forensics/triage.js';
export type { TraceSource, TriageOptions, TriageReport } from './forensics/triage.js';
export type { SessionTriage, FaultOrigin, ActionAfterOrigin } from './forensics/triage-types.js';
export { writePostmortem } from './forensics/postmortem.js';
export { convertChatTranscript } from './convert/openai-chat.js';
export type { ChatMessage, ConvertOptions } from './convert/openai-chat.js';
export type { TraceLine } from './trace/reader.js';
export { JsonlFileSink, MemorySink, teeSinks } from './trace/jsonl-sink.js';
export type { RecorderOptions } from './trace/jsonl-sink.js';
export { createRedactor, maskSecrets, REDACTED, MASK_FAILED } from './trace/redact.js';
export type { RedactionOptions, MaskFunction } from './trace/redact.js';
export { createOtelSink } from './otel/otel-sink.js';
export type { OtelSinkOptions } from './otel/otel-sink.js';
export { toToolDefinition } from './tool-definition.js';
export { toolArguments, parseJsonText } from './text/json-text.js';
export type { ToolDefinitionLike } from './tool-definition.js';
export * from './trace/events.js';
