/**
 * agent-warden/forensics: after the fact. Replay a trace through the guard, triage sessions (failure
 * mode, fault origin), write a postmortem, and import chat transcripts and multi-agent logs as traces.
 */
export { replayTrace } from '../replay.js';
export type { ReplayReport, ReplaySession, ReplayDecision } from '../replay.js';
export { triageTrace } from './triage.js';
export type { TraceSource, TriageOptions, TriageReport } from './triage.js';
export type { SessionTriage, FaultOrigin, ActionAfterOrigin } from './triage-types.js';
export { writePostmortem, draftPostmortem, draftPostmortems, chooseSession } from './postmortem.js';
export type { SessionTypeBaseline } from './baselines.js';
export type { IncidentGroup, FailureSignature } from './incidents.js';
export { buildReportData } from '../report/report-data.js';
export type { ReportOptions } from '../report/report-data.js';
export { renderReportHtml } from '../report/render-html.js';
export type { ReportData, ReportSession, ReportStep, ReportContent } from '../report/report-types.js';
export { convertChatTranscript } from '../convert/openai-chat.js';
export type { ChatMessage, ConvertOptions } from '../convert/openai-chat.js';
export { convertMultiAgentLog, HISTORY_STEP_OFFSET } from '../convert/multi-agent-log.js';
export type { AgentMessage, MultiAgentLog, MultiAgentConvertOptions } from '../convert/multi-agent-log.js';
