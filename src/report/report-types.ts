/**
 * The data an incident report page is rendered from: built in Node (`buildReportData`), embedded in
 * the page as JSON, read by the page's script (report/src). Plain JSON values only.
 */
import type { Action } from '../trace/events.js';
import type { SessionTriage } from '../forensics/triage-types.js';

export const REPORT_DATA_VERSION = 1;

/** One piece of a step's content (arguments, result, output...), redacted, perhaps cut short. */
export interface ReportContent {
  label: string;
  /** The text shown; absent when it is in the report's shared `texts` at `ref` (a system prompt every session repeats). */
  text?: string;
  ref?: number;
  /** Characters of the whole (redacted) content; more than `text.length` when it was cut short. */
  size: number;
  truncated: boolean;
}

export type StepKind = 'session' | 'definitions' | 'system' | 'user' | 'assistant' | 'model' | 'tool.call' | 'tool.result' | 'subagent' | 'context' | 'goal' | 'guard';

/** One trace event, as the timeline shows it. */
export interface ReportStep {
  step: number;
  /** The trace event type. */
  type: string;
  kind: StepKind;
  /** One line: what happened at this step. */
  title: string;
  ts?: string;
  /** Milliseconds since the session's first timestamped event. */
  sinceMs?: number;
  agent?: string;
  tool?: string;
  tokens?: { input: number; output: number };
  /** USD, when the policy prices this model. */
  costUsd?: number;
  /** The guard's decision on this step under the report's policy (replay); absent where it made none. */
  action?: Action;
  /** What the guard recorded in the trace, live, for this step. */
  recordedAction?: Action;
  /** For a `guard.decision` event: the step it decided and how. */
  decides?: { step: number; action: Action };
  /** For a `tool.result`: the tool returned an error. */
  isError?: boolean;
  content: ReportContent[];
}

export type SessionOutcome = 'completed' | 'paused' | 'killed' | 'error' | 'unfinished';

export interface ReportBudget {
  maxTokens?: number;
  maxCostUsd?: number;
  /** `policy`: from the report's policy; `trace`: the limit a live guard's budget flag named. */
  source: 'policy' | 'trace';
}

export interface ReportSession {
  id: string;
  /** Exactly what `warden triage --json` prints for this session. */
  triage: SessionTriage;
  outcome: SessionOutcome;
  /** The strongest action taken on the session: by the live guard (recorded) or under the report's policy. */
  worstAction: Action;
  /** Whether a live guard's decision is in the trace. */
  guarded: boolean;
  tokens: number;
  /** USD, or null when no model call of the session is priced by the policy. */
  costUsd: number | null;
  events: number;
  startedAt?: string;
  durationMs?: number;
  budget?: ReportBudget;
  /** The timeline; null when left out to keep the report small (`omitted` says why). */
  steps: ReportStep[] | null;
  /** Steps left out of the timeline (the most steps kept per session is bounded). */
  omittedSteps: number;
  omitted?: string;
  /** The Markdown postmortem draft, or null when the timeline was left out. */
  postmortem: string | null;
}

export interface ReportData {
  version: typeof REPORT_DATA_VERSION;
  title: string;
  generatedAt: string;
  generator: string;
  /** The trace files, as given on the command line. */
  sources: string[];
  /** Lines skipped as unreadable, with why (the first few). */
  problems: Array<{ source: string; line: number; reason: string }>;
  problemCount: number;
  /** Sessions, the worst first. */
  sessions: ReportSession[];
  /** Long content texts that occur more than once are stored here once, referred to by index. */
  texts: string[];
  /** Limits applied, in words, for the page to show (content cut, timelines left out). */
  notes: string[];
}
