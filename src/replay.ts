import type { Action, Flag, TraceEvent } from './trace/events.js';
import { readTrace, type TraceInputSource, type TraceProblem } from './trace/reader.js';
import { Guard, type GuardOptions } from './guard.js';
import type { Decision } from './session.js';

/** Skipped lines kept in a report; the rest are counted (a garbage file must not fill memory). */
const MAX_KEPT_PROBLEMS = 1_000;

export interface ReplayDecision {
  step: number;
  tool: string;
  action: Action;
  flags: string[];
}

export interface ReplaySession {
  session_id: string;
  decisions: ReplayDecision[];
}

export interface ReplayReport {
  sessions: ReplaySession[];
  /** Lines skipped, with why (and in which file, when read from several): the first 1,000 are kept. */
  problems: TraceProblem[];
  /** How many lines were skipped in all (`problems` keeps only the first ones: memory stays bounded). */
  skippedLines: number;
  validEvents: number;
}

export interface ReplayHooks {
  /** Called for every event fed, with the guard's decision (for triage and evaluations). */
  onEvent?(event: TraceEvent, decision: Decision): void;
  onProblem?(problem: TraceProblem): void;
}

/**
 * Feeds a trace through a guard exactly as live (no escalation handler: a pause is a refusal), and
 * lists a decision for every tool call and for every tool result the guard acted on.
 */
export async function replayTrace(input: TraceInputSource, options: Omit<GuardOptions, 'mode' | 'sink'> = {}, hooks: ReplayHooks = {}): Promise<ReplayReport> {
  const guard = new Guard({ ...options, mode: 'replay' });
  const sessions = new Map<string, ReplaySession>();
  const problems: ReplayReport['problems'] = [];
  let validEvents = 0;
  let skippedLines = 0;
  for await (const line of readTrace(input)) {
    if (line.error !== undefined) {
      const problem: TraceProblem = { line: line.line, reason: line.error, ...(line.source !== undefined ? { source: line.source } : {}) };
      skippedLines += 1;
      if (problems.length < MAX_KEPT_PROBLEMS) problems.push(problem);
      hooks.onProblem?.(problem);
      continue;
    }
    validEvents += 1;
    const event = line.event;
    let report = sessions.get(event.session_id);
    if (!report) {
      report = { session_id: event.session_id, decisions: [] };
      sessions.set(event.session_id, report);
    }
    const decision = await guard.openSession(event.session_id).ingest(event);
    hooks.onEvent?.(event, decision);
    if (decision.ignored) continue;
    if (event.type === 'tool.call' || (event.type === 'tool.result' && decision.action !== 'allow')) {
      report.decisions.push({ step: event.step, tool: event.tool, action: decision.action, flags: decision.flags.map((flag: Flag) => flag.code) });
    }
  }
  return { sessions: [...sessions.values()], problems, skippedLines, validEvents };
}
