import type { Readable } from 'node:stream';
import type { Action, Flag, TraceEvent } from './trace/events.js';
import { readTrace, type TraceInput, type TraceItem, type TraceProblem } from './trace/reader.js';
import { SessionEnds, sessionOf } from './trace/session-ends.js';
import { NO_FLAGS, PackedDecisions } from './packed-decisions.js';
import { PackedStrings } from './packed-strings.js';
import { Guard, type GuardOptions } from './guard.js';
import type { Decision, GuardSession } from './session.js';
import type { SessionStore } from './store.js';
import { takeOldest } from './text/oldest-first.js';

export interface ReplayDecision {
  step: number;
  tool: string;
  action: Action;
  /** The codes of the flags raised: a frozen list, shared by the decisions that raised the same ones. */
  readonly flags: readonly string[];
}

export interface ReplaySession {
  session_id: string;
  decisions: ReplayDecision[];
}

/** Skipped lines kept in a report; the rest are counted (a garbage file must not fill memory). */
const MAX_KEPT_PROBLEMS = 1_000;

export interface ReplayReport {
  sessions: ReplaySession[];
  /** Lines skipped, with why (and in which file, when read from several): the first 1,000 are kept. */
  problems: TraceProblem[];
  /** How many lines were skipped in all (`problems` keeps only the first ones: memory stays bounded). */
  skippedLines: number;
  validEvents: number;
}

/** The sessions of a long trace, kept packed: each becomes an object when iterated, one at a time. */
export interface SessionList<T> extends Iterable<T> {
  readonly size: number;
}

/** `ReplayReport` with its sessions packed (`replayTraceLazily`): memory for what the output lists, no object per session. */
export interface LazyReplayReport extends Omit<ReplayReport, 'sessions'> {
  sessions: SessionList<ReplaySession>;
  /** The id of the session at this place in `sessions` (from 0), without its decisions. */
  sessionIdAt(place: number): string;
}

export interface ReplayHooks {
  /** Called for every event fed, with the guard's decision (for triage and evaluations). */
  onEvent?(event: TraceEvent, decision: Decision): void;
  onProblem?(problem: TraceProblem): void;
  /** Called once per session, after its last event: its state is freed right after. */
  onSessionEnd?(sessionId: string, report: ReplaySession): void;
}

/** Sessions an offline replay keeps open at once by default (each holds a few KB). */
export const DEFAULT_MAX_OPEN_SESSIONS = 100_000;

export interface ReplayOptions extends Omit<GuardOptions, 'mode' | 'sink' | 'store'> {
  /**
   * Sessions open at once (seen, with events still to come), at most. Replay never closes a session
   * that still has events to come; past this bound it stops with `OpenSessionsError` instead.
   */
  maxOpenSessions?: number;
}

/**
 * A trace that can be read more than once: a file path, or a function that opens it afresh. Replay
 * reads it twice (first where each session ends, a scan that parses a line only when its session id
 * cannot be read off it for certain), so it is exact at any size; a one-shot input
 * (stdin, an iterable) is read once, and a session closes at its `session.end`.
 */
export type ReopenableTrace = string | (() => Readable | AsyncIterable<TraceItem> | Iterable<TraceItem>);

/** More sessions were open at once than the bound allows: replay stops rather than judge with a blank session. */
export class OpenSessionsError extends Error {
  constructor(
    readonly limit: number,
    readonly line: number,
    oneShot: boolean,
  ) {
    super(
      `more than ${limit} sessions are open at once at line ${line}: replay keeps every session that still has events to come, ` +
        `so its answers stay exact; raise the bound with --max-open-sessions (API: maxOpenSessions)` +
        (oneShot ? ', or give a file instead of a stream (a file is read twice, and sessions close after their last event even without session.end)' : ''),
    );
    this.name = 'OpenSessionsError';
  }
}

/** An event after its session was closed, in a one-shot input: judging it would take a blank session. */
export class ClosedSessionError extends Error {
  constructor(sessionId: string, line: number) {
    super(`session ${sessionId} has an event at line ${line} after its session.end, and was already closed to make room: give a file instead of a stream (a file is read twice), or raise --max-open-sessions (API: maxOpenSessions)`);
    this.name = 'ClosedSessionError';
  }
}

export function isReopenable(input: unknown): input is ReopenableTrace {
  return typeof input === 'string' || typeof input === 'function';
}

export function openTrace(input: ReopenableTrace): TraceInput {
  return typeof input === 'string' ? input : (input() as TraceInput);
}

/** The replay guard's sessions: never evicted behind replay's back (replay closes them itself). */
function openStore(): SessionStore & { size: number } {
  const sessions = new Map<string, GuardSession>();
  return {
    get: (id) => sessions.get(id),
    set: (id, session) => void sessions.set(id, session),
    delete: (id) => void sessions.delete(id),
    get size() {
      return sessions.size;
    },
  };
}

const IGNORED: Decision = { step: 0, action: 'allow', flags: [], proceed: true, ignored: true };
/** Ids of sessions a one-shot replay closed, remembered so a late event is an error, not a blank session. */
const MAX_CLOSED_IDS = 1_000_000;

/**
 * Feeds a trace through a guard exactly as live (no escalation handler: a pause is a refusal), and
 * lists a decision for every tool call and for every tool result the guard acted on.
 * Streams: memory is bounded by the sessions open at once, not by the size of the trace. A file (or
 * a function reopening the trace) is read twice, so each session closes right after its last event;
 * a one-shot input closes sessions at `session.end`. More than `maxOpenSessions` open at once stops
 * the replay with `OpenSessionsError`; a session is never evicted while it has events to come.
 * @example const report = await replayTrace('incident.jsonl', { policy });
 */
export async function replayTrace(input: TraceInput | ReopenableTrace, options: ReplayOptions & { sessionEnds?: SessionEnds } = {}, hooks: ReplayHooks = {}): Promise<ReplayReport> {
  const { sessions, problems, skippedLines, validEvents } = await replayTraceLazily(input, options, hooks);
  return { sessions: [...sessions], problems, skippedLines, validEvents };
}

/**
 * `replayTrace`, its sessions kept packed until iterated: what a finished session keeps is its id's
 * characters and its decisions packed in typed arrays (a session with none, about 30 bytes), so a
 * trace of a million short sessions can be replayed and printed without a million objects.
 */
export async function replayTraceLazily(input: TraceInput | ReopenableTrace, options: ReplayOptions & { sessionEnds?: SessionEnds } = {}, hooks: ReplayHooks = {}): Promise<LazyReplayReport> {
  const { maxOpenSessions = DEFAULT_MAX_OPEN_SESSIONS, sessionEnds, ...guardOptions } = options;
  const store = openStore();
  const guard = new Guard({ ...(guardOptions as GuardOptions), store, mode: 'replay' });
  const reopenable = isReopenable(input);
  /** A re-readable trace: sessions close right after their last line, learnt by a first, light pass. */
  const ends = reopenable ? (sessionEnds ?? (await SessionEnds.of(openTrace(input)))) : undefined;
  const lastStep = new Map<string, number>();
  /** Open sessions' reports, and the number each got at its first appearance (the order of the output). */
  const open = new Map<string, { order: number; report: ReplaySession }>();
  /** Every session's id, by that number; a finished session's decisions are packed under it. */
  const ids = new PackedStrings();
  const packed = new PackedDecisions();
  /** One-shot input: finished sessions by id, for one met again after its id left `closed`. */
  const finished = reopenable ? undefined : new Map<string, number>();
  /** One-shot input: sessions whose session.end was seen, oldest first, closed when room is needed. */
  const ended = new Set<string>();
  const closed = new Set<string>();
  const problems: ReplayReport['problems'] = [];
  let validEvents = 0;
  let skippedLines = 0;

  const close = (sessionId: string) => {
    guard.endSession(sessionId);
    lastStep.delete(sessionId);
    ended.delete(sessionId);
    const { order, report } = open.get(sessionId)!;
    open.delete(sessionId);
    packed.set(order, report.decisions);
    finished?.set(sessionId, order);
    hooks.onSessionEnd?.(sessionId, report);
  };
  const closeIfOpen = (sessionId: string) => {
    if (store.get(sessionId)) close(sessionId);
  };

  const position = { item: 0 };
  // A session whose last line is no event it can judge (broken, of an unknown type) closes as that line goes by.
  const passedOver = ends && ((item: TraceItem) => {
    if (!ends.isLast(position.item)) return;
    const sessionId = sessionOf(item);
    if (sessionId !== undefined) closeIfOpen(sessionId);
  });
  for await (const line of readTrace(reopenable ? openTrace(input) : (input as TraceInput), { lastStep, position, ...(passedOver ? { passedOver } : {}) })) {
    if (line.error !== undefined) {
      const problem: TraceProblem = { line: line.line, reason: line.error, ...(line.source !== undefined ? { source: line.source } : {}) };
      skippedLines += 1;
      if (problems.length < MAX_KEPT_PROBLEMS) problems.push(problem);
      hooks.onProblem?.(problem);
      continue;
    }
    validEvents += 1;
    const event = line.event;
    const sessionId = event.session_id;
    if (closed.has(sessionId)) {
      // A live guard's decision recorded after the session ended changes nothing; anything else would meet a blank session.
      if (event.type === 'guard.decision') {
        hooks.onEvent?.(event, { ...IGNORED, step: event.step });
        continue;
      }
      throw new ClosedSessionError(sessionId, line.line);
    }
    let session = guard.session(sessionId);
    if (!session) {
      if (store.size >= maxOpenSessions) {
        const oldestEnded = ended.values().next();
        if (ends !== undefined || oldestEnded.done) throw new OpenSessionsError(maxOpenSessions, line.line, ends === undefined);
        close(oldestEnded.value);
        closed.add(oldestEnded.value);
        if (closed.size > MAX_CLOSED_IDS) takeOldest(closed);
      }
      session = guard.openSession(sessionId);
    }
    let report = open.get(sessionId)?.report;
    if (!report) {
      // A session met again after it was closed (past the closed ids remembered) carries on its report.
      const known = finished?.get(sessionId);
      report = { session_id: sessionId, decisions: known === undefined ? [] : packed.decisionsOf(known) };
      open.set(sessionId, { order: known ?? ids.push(sessionId), report });
    }
    const decision = await session.ingest(event);
    hooks.onEvent?.(event, decision);
    if (!decision.ignored && (event.type === 'tool.call' || (event.type === 'tool.result' && decision.action !== 'allow'))) {
      report.decisions.push({ step: event.step, tool: event.tool, action: decision.action, flags: decision.flags.length === 0 ? NO_FLAGS : decision.flags.map((flag: Flag) => flag.code) });
    }
    if (ends !== undefined) {
      if (ends.isLast(position.item)) close(sessionId);
    } else if (event.type === 'session.end') ended.add(sessionId);
  }
  for (const sessionId of [...open.keys()]) close(sessionId);
  const sessions: SessionList<ReplaySession> = {
    size: ids.size,
    *[Symbol.iterator]() {
      for (let order = 0; order < ids.size; order += 1) yield { session_id: ids.get(order), decisions: packed.decisionsOf(order) };
    },
  };
  return { sessions, problems, skippedLines, validEvents, sessionIdAt: (place) => ids.get(place) };
}
