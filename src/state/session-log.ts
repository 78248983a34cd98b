import type { Action, Flag, TraceEvent } from '../trace/events.js';
import type { SessionStatus } from './session-state.js';

/**
 * One decided event of a shared session, as every process replays it: the event with its step, what the
 * checks found, and what the guard did. Applying the entries in order rebuilds the session exactly.
 */
export interface LogEntry {
  event: TraceEvent;
  flags: Flag[];
  action: Action;
  /** The budget reservation an `llm.call` reconciles. */
  reservationId?: string;
  /** A `tool.call` the guard refused, so its late result never reaches the model. */
  refused?: boolean;
  /** The last step this entry holds: its event and the `guard.decision` record after it. */
  lastStep: number;
}

/** A refusal decided after its call was logged (a paused call a human denied). */
export interface RefusalEntry {
  refuse: string;
  lastStep: number;
}

/** Held-back definitions a human approved through the escalation handler after their change was logged. */
export interface AcceptanceEntry {
  accept: string[];
  lastStep: number;
}

export type SharedLogEntry = LogEntry | RefusalEntry | AcceptanceEntry;

/** Who halted the session, and why. */
export interface HaltRecord {
  step: number;
  codes: string[];
}

/** The session's status as the shared store has it: the source of truth for halts. */
export interface SharedStatus {
  status: SessionStatus;
  haltedBy?: HaltRecord;
  /** Questions put to a human and not yet answered, by any process: while there are any, other calls are refused or queued. */
  escalating?: number;
}

/** What the store holds after the entries a process has applied. */
export interface LogRead extends SharedStatus {
  /** How many entries the session has logged in all. */
  seq: number;
  /** The entries after the ones asked for, oldest first. */
  entries: SharedLogEntry[];
  /**
   * The store dropped entries the process has not applied (the log is bounded): rebuild from the pinned
   * session start and the entries kept. `true` with `seq` below the process's count: the session expired.
   */
  rebuild: boolean;
  /** The session's first entry, kept apart from the bounded log. */
  start?: LogEntry;
}

export interface AppendRequest {
  /** How many entries the process has applied: the append happens only if that is still all of them. */
  seen: number;
  /** The status the decision assumed: the append happens only if the store's status is still this. */
  status: SessionStatus;
  /** Whether the decision assumed a question open: the append happens only if the store agrees. */
  escalating: boolean;
  /** A question the decision puts to a human, opened with the entry, so no other call is decided in between. */
  escalation?: PendingEscalation;
  entry: SharedLogEntry;
  /** An `llm.call`'s actual usage, booked as spent, releasing its reservation, in the same step. */
  charge?: { tokens: number; costNano: number; reservationId?: string };
  /** A status the entry sets: a kill, a pause no one can approve, the end of the session. */
  halt?: { status: 'paused' | 'killed' | 'ended'; haltedBy?: HaltRecord };
  /** The finding operators see in `warden sessions`. */
  lastFlag?: { code: string; step: number };
}

export type AppendResult = ({ ok: true; seq: number } & SharedStatus) | ({ ok: false } & LogRead);

export interface Budget {
  spentTokens: number;
  reservedTokens: number;
  spentNano: number;
  reservedNano: number;
}

export interface ReserveRequest {
  id: string;
  tokens: number;
  costNano: number;
  maxTokens?: number;
  maxCostNano?: number;
  /** Reserve even over the cap: a human approved the call. */
  force?: boolean;
}

export type ReserveResult = ({ outcome: 'reserved' | 'over' } & Budget & SharedStatus) | ({ outcome: 'halted' } & SharedStatus) | ({ outcome: 'escalating' } & SharedStatus);

/**
 * A session's shared log and budget, kept by a store every process can reach (Redis). Each call is one
 * atomic step on the store's side; the guard's own code decides, the store only orders and counts.
 * A method throws an error whose `lost` is `true` when the session's state vanished from the store after
 * this replica used it (expired, flushed, evicted), or part of it did: the call is refused (GUARD_ERROR,
 * evidence `lost`), never decided on a blank or partial session.
 */
export interface SessionLog {
  append(request: AppendRequest): Promise<AppendResult>;
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  release(reservationId: string): Promise<void>;
  /** Kill, pause or resume; a killed session stays killed. Returns the status after. */
  setStatus(change: 'kill' | 'pause' | 'resume', haltedBy?: HaltRecord): Promise<SharedStatus>;
  /** The status as the store has it now, with the questions still open. */
  status(): Promise<SharedStatus>;
  /** Opens a question put to a human (one not opened with an append: a model call's admission). */
  openEscalation(pending: PendingEscalation): Promise<SharedStatus>;
  /** Closes a question, with the halt its answer ends in (a denial pauses, a kill kills), in one step. Returns the status after. */
  closeEscalation(id: string, halt: { status: 'paused' | 'killed'; haltedBy: HaltRecord } | undefined): Promise<SharedStatus>;
}

/** A pause a process has put to a human and not yet had answered. */
export interface PendingEscalation {
  /** Names the question (several may be open at one step). */
  id: string;
  step: number;
  codes: string[];
  /**
   * When the asking process gives up waiting (epoch ms). A question still open a while after it (its process
   * died) no longer holds the session.
   */
  until: number;
}
