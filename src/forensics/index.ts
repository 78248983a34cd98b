/**
 * agent-warden/forensics: after the fact. Replay a trace through the guard, triage sessions (failure
 * mode, fault origin), write a postmortem, and import chat transcripts as traces.
 */
export { replayTrace } from '../replay.js';
export type { ReplayReport, ReplaySession, ReplayDecision } from '../replay.js';
export { triageTrace } from './triage.js';
export type { TraceSource, TriageOptions, TriageReport } from './triage.js';
export type { SessionTriage, FaultOrigin, ActionAfterOrigin } from './triage-types.js';
export { writePostmortem, draftPostmortems, chooseSession } from './postmortem.js';
export { convertChatTranscript } from '../convert/openai-chat.js';
export type { ChatMessage, ConvertOptions } from '../convert/openai-chat.js';
