/**
 * agent-warden: the guard, its sessions, and their types. Any new export added here becomes public
 * API: named exports only. Forensics, sinks, trace types and text helpers have their own entry points
 * (`agent-warden/forensics`, `agent-warden/sinks`, `agent-warden/trace`, `agent-warden/text`).
 */
export { createGuard, Guard } from './guard.js';
export type { GuardOptions, StartSessionOptions, TraceSink } from './guard.js';
export type { BudgetAlert, EntityResolver, EscalationAnswer, EscalationHandler, GuardEvents } from './runtime.js';
export { createMemoryStore } from './store.js';
export type { SessionStore } from './store.js';
export type { SessionLog } from './state/session-log.js';

export { GuardSession } from './session.js';
export type { SessionSpend } from './session.js';
export type { SessionStatus, ProvenanceMode } from './state/session-state.js';
export { withheldAnswer } from './decision.js';
export type { Decision, ModelAdmission, ModelCallInput, ToolCallInput, ToolResultInput } from './decision.js';
export type { ModelCallEstimate } from './session/model-admission.js';
export { guardFailureRefusal, refusalText } from './refusal.js';
export type { Refusal } from './refusal.js';
export type { ToolCallOptions, ToolCallOutcome, ToolCallTicket, ToolResultOf } from './protocol/tool-call.js';
export type { ModelRequestInput, ModelOutput, ModelCallTicket, ModelCallOutcome } from './protocol/model-call.js';
export { MessageFeed } from './protocol/message-feed.js';
export { toolListing, type ToolListing } from './protocol/tool-listing.js';
export { copyToolWith, type ToolCopyOptions } from './protocol/tool-copy.js';
export type { ConversationMessage } from './protocol/message-feed.js';

export { AnomalyCode, DEFAULT_ACTIONS } from './codes.js';
export { resolvePolicy, loadPolicyFile, PolicyError, DEFAULT_POLICY } from './policy/policy.js';
export type { Policy, PolicyDocument, ToolPolicy, EntityKindPolicy, BudgetPolicy, LoopPolicy, InjectionPolicy, AlertPolicy, ThrottlePolicy, SessionTypePolicy } from './policy/policy.js';
export { policyForSessionType } from './policy/policy.js';
export type { InjectionDetector, DetectorVerdict, InjectionFinding, InjectionConfidence, InjectionScanner } from './text/injection.js';

export { defineCheck, flag } from './checks/check.js';
export type { Check, CheckContext } from './checks/check.js';
export type { SessionView, BudgetView, UsageView } from './state/session-view.js';

export type { Action, Flag, MessageRole, ModelToolCall, ToolAnnotations, ToolDefinition, TraceEvent, TraceEventType } from './trace/events.js';
export type { ToolDefinitionLike } from './tool-definition.js';
