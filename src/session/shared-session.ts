import { randomUUID } from 'node:crypto';
import type { Action, EventInput, Flag, TraceEvent } from '../trace/events.js';
import { AnomalyCode, moreSevere } from '../codes.js';
import type { CheckContext } from '../checks/check.js';
import { decide, runChecks } from '../pipeline.js';
import { buildRefusal, refusalSubject } from '../refusal.js';
import { applyEvent } from '../state/apply-event.js';
import type { SessionState, SessionStatus } from '../state/session-state.js';
import type { SessionView } from '../state/session-view.js';
import type { Charge } from '../state/budget.js';
import type { AppendRequest, HaltRecord, LogEntry, LogRead, PendingEscalation, SessionLog, SharedLogEntry, SharedStatus } from '../state/session-log.js';
import type { Decision, ModelAdmission } from '../decision.js';
import type { GuardRuntime } from '../runtime.js';
import type { ContentScan } from '../text/content-scan.js';
import { buildCheckContext, scanEventContent, unreadableContentFlag } from './check-context.js';
import type { ArgumentProblem } from '../state/argument-snapshot.js';
import { escalatingFlag, escalationsSettled, halt, haltFlag, killWins, resolveAction, standingHalt, type Outcome, type SettleEscalation } from './halts.js';
import { acceptPending, actionOfFlag, approvedDefinitions } from './pins.js';
import { estimateModelCall, unusableEstimate, type ModelCallEstimate } from './model-admission.js';
import { unpricedFlag } from '../checks/budget.js';
import { isoTime } from '../trace/iso-time.js';

/**
 * What a shared session needs of the session it replicates: its state, view and runtime (all three
 * replaced when the session takes a type or starts afresh), and the session's own reporting.
 */
export interface SessionReplica {
  readonly id: string;
  readonly state: SessionState;
  readonly view: SessionView;
  readonly runtime: GuardRuntime;
  /** A fresh state: the session expired in the store, or the entries this replica needs were dropped. */
  reset(): void;
  /** A session's type is set by its start: a fresh session moves under the type's policy. */
  adoptType(type: string): void;
  /** Emits flags, alerts and the decision, and records the decision at `recordStep`. */
  report(event: TraceEvent, decision: Decision, recordStep: number): void;
}

/** Conflicting appends a decision retries before it fails closed: each conflict means another process made progress. */
const MAX_ATTEMPTS = 64;
const NON_PROCEEDING: ReadonlySet<Action> = new Set(['block', 'pause', 'kill']);

/** The store stayed contended: the decision fails closed (or open, by policy), like one the store did not answer. */
class SessionStoreUnavailable extends Error {}

/** An event to decide, or one built on the replica once it is current (accepting what is pending). */
export type SharedInput = EventInput | TraceEvent | ((state: SessionState) => EventInput);

/** A call queued behind an open question (`halts.whileEscalating: queue`) that learned of it only from the store. */
const QUEUED = Symbol('queued');

interface Evaluated {
  event: TraceEvent;
  context: CheckContext;
  flags: Flag[];
  action: Action;
  standing: boolean;
  /** The status the decision assumed: the append holds only if the store still has it. */
  status: SessionStatus;
  /** Whether the decision assumed a question open: the append holds only if the store agrees. */
  escalating: boolean;
  /** The question this decision puts to a human, opened with its entry. */
  question?: PendingEscalation;
  entry: LogEntry;
  /** `session.start` of a session another process started: nothing appended, its start decision replayed. */
  joined?: boolean;
}

/**
 * The replica of a shared session in one process: it applies the log's entries in order, decides on its
 * replica, and appends its decision only if no other process appended first (else it applies theirs and
 * decides again). One round trip per decision when the replica is current; exact by construction.
 */
export class SharedSession {
  /**
   * Entries applied. A new replica starts at 0 and reads nothing first: its first append fails if the
   * session has entries, and the answer carries them, so joining costs no extra round trip.
   */
  private seen = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** The status the store last reported, so a halt already written is not written twice. */
  private remote: SessionStatus = 'active';
  /** Questions to a human open in the store, from every process, as the store last reported them. */
  private openQuestions = 0;
  /** A halt or resume this process is writing: decisions wait for it, so none assumes a stale status. */
  private publishing: Promise<void> | undefined;
  /** This replica joined a session another process started: it records no second start or definitions. */
  private joined = false;
  /** The session's first entry: what a joining `startSession` answers with. */
  private startEntry: LogEntry | undefined;

  constructor(
    private readonly session: SessionReplica,
    private readonly log: SessionLog,
  ) {}

  /** Runs `task` after every earlier one of this replica: entries are applied and appended in order. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Whether a question to a human is open in the session (in any process), as the store last said. */
  private get escalating(): boolean {
    return this.openQuestions > 0;
  }

  async ingest(input: SharedInput, reservationId: string | undefined, argumentProblem?: ArgumentProblem): Promise<Decision> {
    const session = this.session;
    const runtime = session.runtime;
    if (typeof input !== 'function' && input.type === 'guard.decision') {
      return { step: session.state.lastStep, action: 'allow', flags: [], proceed: true, ignored: true };
    }
    const ts = typeof input !== 'function' && input.ts !== undefined ? input.ts : runtime.live ? isoTime(runtime.clock()) : undefined;
    const build = (state: SessionState): EventInput | TraceEvent => {
      const made = typeof input === 'function' ? input(state) : input;
      return ts === undefined || made.ts !== undefined ? made : ({ ...made, ts } as EventInput | TraceEvent);
    };
    // Calls queue behind an open question when the policy says so (`halts.whileEscalating`), once, as in memory.
    let mayQueue = typeof input !== 'function' && input.type === 'tool.call' && runtime.policy.halts.whileEscalating === 'queue';
    let evaluated: Evaluated;
    let applyError: unknown;
    for (;;) {
      if (mayQueue && this.escalating) {
        await this.escalationsSettled();
        mayQueue = false;
      }
      let committed: Awaited<ReturnType<SharedSession['commit']>>;
      try {
        committed = await this.exclusive(() => this.commit(build, reservationId, argumentProblem, mayQueue));
      } catch (error) {
        if (error instanceof RangeError) throw error;
        return this.unavailable(build(session.state), error);
      }
      if (committed === QUEUED) {
        mayQueue = true;
        continue;
      }
      ({ evaluated, applyError } = committed);
      break;
    }
    const { event, flags, standing, entry, question } = evaluated;
    let action = evaluated.action;
    const recording = runtime.record(event);
    const written = recording instanceof Promise ? await recording : recording;
    if (evaluated.joined) return { step: event.step, action, flags, proceed: !NON_PROCEEDING.has(action) };
    const state = session.state;
    const tool = 'tool' in event && typeof event.tool === 'string' ? state.tools.get(event.tool) : undefined;
    // Known only once the entry is in the log (its step was not settled before): refused here, and a refused
    // call is appended as such, so every replica withholds its result.
    if (!written && (event.type === 'tool.call' || event.type === 'tool.result')) {
      flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The ${event.type} could not be written to the trace.`, step: event.step, evidence: { stage: 'record' } });
      action = moreSevere(action, decide(flags, runtime.policy, tool));
    }
    if (applyError !== undefined) {
      flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The guard could not record this ${event.type}: ${(applyError as Error)?.message ?? String(applyError)}.`, step: event.step, evidence: { stage: 'commit' } });
      action = moreSevere(action, decide(flags, runtime.policy, tool));
    }
    const outcome: Pick<Decision, 'proceed' | 'escalation'> = standing ? { proceed: false } : await this.resolve(action, flags, event.step, question);
    action = killWins(state, outcome, flags, event.step, action);
    // Definitions a human approved through the escalation handler take effect at once, in every process.
    if (event.type === 'tool.definitions' && outcome.escalation === 'approved') await this.acceptApproved(flags);
    const decision: Decision = { step: event.step, action, flags, ...outcome };
    if (!decision.proceed && REFUSABLE.has(event.type)) {
      if (event.type === 'tool.call' && !entry.refused) {
        state.refuseCall(event.call_id);
        void this.exclusive(() => this.appendFact({ refuse: event.call_id, lastStep: state.lastStep })).catch((error: unknown) => this.failed(error));
      }
      decision.refusal = buildRefusal(action, flags, refusalSubject(event));
    }
    session.report(event, decision, event.step + 1);
    return decision;
  }

  /**
   * Waits until no question to a human is open in the session: one of this process wakes its waiters when
   * answered; one of another process is polled for (with backoff), up to its deadline in the store.
   */
  private async escalationsSettled(): Promise<void> {
    let waitMs = 20;
    while (this.openQuestions > 0) {
      if (this.session.state.escalating > 0) {
        await escalationsSettled(this.session.state);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, 500);
      try {
        this.noteStatus(await this.log.status());
      } catch {
        // The store does not answer: the call goes on to its decision, which fails closed.
        return;
      }
    }
  }

  /** Appends the acceptance of definitions a human approved, so every replica applies it after the change. */
  private async acceptApproved(flags: readonly Flag[]): Promise<void> {
    const state = this.session.state;
    const names = approvedDefinitions(state, flags);
    if (names.length === 0) return;
    await this.exclusive(() => this.appendFact({ accept: names, lastStep: state.lastStep })).catch((error: unknown) => this.failed(error));
  }

  /**
   * Decides on the replica and appends; on a conflict, applies what others appended and decides again.
   * `mayQueue`: a call that would be refused for an open question returns QUEUED instead, to wait for it.
   */
  private async commit(build: (state: SessionState) => EventInput | TraceEvent, reservationId: string | undefined, argumentProblem: ArgumentProblem | undefined, mayQueue: boolean): Promise<{ evaluated: Evaluated; applyError?: unknown } | typeof QUEUED> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      await this.publishing;
      const evaluated = await this.evaluate(build(this.session.state), reservationId, argumentProblem);
      if (evaluated.joined) {
        this.joined = true;
        return { evaluated };
      }
      if (mayQueue && evaluated.flags.some((found) => found.evidence?.escalating === true)) return QUEUED;
      const request = this.appendRequest(evaluated);
      const result = await this.log.append(request);
      if (result.ok) {
        if (evaluated.event.type === 'session.start') this.startEntry = evaluated.entry;
        const applyError = this.apply(evaluated.entry, evaluated.context);
        this.seen = result.seq;
        if (request.halt && request.halt.status !== 'ended') {
          // This decision's own halt: said once, with its flags, as a memory session says it.
          this.remote = result.status;
          this.openQuestions = result.escalating ?? this.openQuestions;
          halt(this.session.state, this.session.runtime, request.halt.status, evaluated.event.step, evaluated.flags);
        } else this.noteStatus(result);
        return { evaluated, applyError };
      }
      this.absorb(result);
    }
    throw new SessionStoreUnavailable(`session store contention: ${MAX_ATTEMPTS} appends in a row lost to other processes`);
  }

  /** Runs the checks on the replica without changing it. */
  private async evaluate(input: EventInput | TraceEvent, reservationId: string | undefined, argumentProblem?: ArgumentProblem): Promise<Evaluated> {
    const session = this.session;
    const state = session.state;
    const runtime = session.runtime;
    const escalating = this.escalating;
    if (input.type === 'session.start' && this.seen > 0) {
      const start = this.startEntry;
      if (start) return { event: start.event, context: this.contextFor(start.event), flags: [...start.flags], action: start.action, standing: false, status: state.status, escalating, entry: start, joined: true };
    }
    const step = input.step ?? state.lastStep + 1;
    if (step <= state.lastStep) throw new RangeError(`step ${step} is not after step ${state.lastStep} of session ${session.id}`);
    const event = { session_id: session.id, ...input, step } as TraceEvent;
    event.session_id = session.id;
    // Large content is scanned in slices with yields between them, as in a memory session.
    const sliced = scanEventContent(event, state, runtime);
    const scan = sliced instanceof Promise ? await sliced : sliced;
    const context = this.contextFor(event, scan, argumentProblem);
    const found = runChecks(runtime.checks, event, context, runtime.policy.checkTimeoutMs);
    const flags = Array.isArray(found) ? [...found] : await found;
    const unreadable = unreadableContentFlag(event, scan);
    if (unreadable) flags.push(unreadable);
    const tool = 'tool' in event && typeof event.tool === 'string' ? state.tools.get(event.tool) : undefined;
    let action = decide(flags, runtime.policy, tool);
    const status = state.status;
    // The same halts as a memory session's, on the replica's status and the store's open questions.
    const ofRefusedCall = event.type === 'tool.result' && state.refusedCallIds.has(event.call_id);
    const standing = standingHalt(state, event, ofRefusedCall, escalating);
    if (standing) {
      flags.push(standing.flag);
      action = moreSevere(action, standing.action);
    }
    // A session start holds two more steps: its decision record and the guard's tool definitions.
    const entry: LogEntry = { event, flags, action, lastStep: step + (event.type === 'session.start' ? 2 : 1) };
    if (reservationId !== undefined) entry.reservationId = reservationId;
    if (event.type === 'tool.call' && (standing || action === 'block' || action === 'kill' || (action === 'pause' && !runtime.escalate))) entry.refused = true;
    const evaluated: Evaluated = { event, context, flags, action, standing: standing !== undefined, status, escalating, entry };
    // A pause put to a human opens its question with the entry: no other call is decided in between.
    if (!standing && action === 'pause' && runtime.escalate) evaluated.question = this.question(event.step, flags);
    return evaluated;
  }

  /** A question to a human about the decision at `step`, open until the handler's deadline. */
  private question(step: number, flags: readonly Flag[]): PendingEscalation {
    const runtime = this.session.runtime;
    return { id: randomUUID(), step, codes: [...new Set(flags.map((flag) => flag.code))], until: runtime.clock() + runtime.policy.escalationTimeoutMs };
  }

  private appendRequest({ event, flags, action, standing, status, escalating, question, entry }: Evaluated): AppendRequest {
    const state = this.session.state;
    const request: AppendRequest = { seen: this.seen, status, escalating, entry };
    if (question) request.escalation = question;
    if (event.type === 'llm.call') {
      const charge: Charge = state.budget.charge(event.model, { inputTokens: event.input_tokens ?? 0, outputTokens: event.output_tokens ?? 0 });
      request.charge = { ...charge, ...(entry.reservationId !== undefined ? { reservationId: entry.reservationId } : {}) };
    }
    const codes = [...new Set(flags.map((flag) => flag.code))];
    // Halts known before any human is asked are written with the entry, in the same step.
    if (!standing && action === 'kill') request.halt = { status: 'killed', haltedBy: { step: event.step, codes } };
    else if (!standing && action === 'pause' && !this.session.runtime.escalate) request.halt = { status: 'paused', haltedBy: { step: event.step, codes } };
    else if (event.type === 'session.end') request.halt = { status: 'ended' };
    const last = flags[flags.length - 1];
    if (last) request.lastFlag = { code: last.code, step: last.step };
    return request;
  }

  /** Appends an entry that decides nothing (a late refusal, an approved definition change), retrying past other processes' appends. */
  private async appendFact(entry: SharedLogEntry): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const result = await this.log.append({ seen: this.seen, status: this.session.state.status, escalating: this.escalating, entry: { ...entry, lastStep: Math.max(entry.lastStep, this.session.state.lastStep) } });
      if (result.ok) {
        this.applyEntry(entry);
        this.seen = result.seq;
        this.noteStatus(result);
        return;
      }
      this.absorb(result);
    }
    throw new SessionStoreUnavailable('session store contention');
  }

  /** Applies what the store returned: entries others appended, the status, or a rebuild. */
  private absorb(read: LogRead): void {
    if (read.rebuild || read.seq < this.seen) {
      this.reset();
      if (read.start && read.entries[0] !== read.start && !sameEntry(read.entries[0], read.start)) this.applyEntry(read.start);
    }
    for (const entry of read.entries) this.applyEntry(entry);
    if (read.start) this.startEntry = read.start;
    this.seen = read.seq;
    this.noteStatus(read);
  }

  /** A fresh replica: the session expired in the store, or the entries it needs were dropped. */
  private reset(): void {
    this.session.reset();
    this.startEntry = undefined;
  }

  /** What the checks of one event see, on this replica (`scan`: content scanned ahead). */
  private contextFor(event: TraceEvent, scan?: ContentScan, argumentProblem?: ArgumentProblem): CheckContext {
    const { state, view, runtime } = this.session;
    return buildCheckContext(event, state, view, runtime, { scan, ...(argumentProblem ? { argumentProblem } : {}) });
  }

  private applyEntry(entry: SharedLogEntry): void {
    if ('refuse' in entry || 'accept' in entry) {
      if ('refuse' in entry) this.session.state.refuseCall(entry.refuse);
      else acceptPending(this.session.state, entry.accept);
      this.session.state.lastStep = Math.max(this.session.state.lastStep, entry.lastStep);
      return;
    }
    if (entry.event.type === 'session.start') {
      this.startEntry = entry;
      // Before the context is made: a typed session replaces its state with one under its type's policy.
      if (typeof entry.event.session_type === 'string') this.session.adoptType(entry.event.session_type);
    }
    this.apply(entry, this.contextFor(entry.event));
  }

  /** The reducer step every process runs for an entry; returns the error if the state could not take it. */
  private apply(entry: LogEntry, context: CheckContext): unknown {
    const session = this.session;
    const state = session.state;
    const { event } = entry;
    state.lastStep = Math.max(state.lastStep, entry.lastStep);
    const ofRefusedCall = event.type === 'tool.result' && state.forgetRefusal(event.call_id);
    let failure: unknown;
    if (!ofRefusedCall) {
      try {
        applyEvent(state, event, context, entry.flags, entry.action, session.runtime.policy, entry.reservationId, actionOfFlag(state, session.runtime.policy));
      } catch (error) {
        failure = error ?? new Error('unknown');
      }
    }
    if (entry.refused && event.type === 'tool.call') state.refuseCall(event.call_id);
    return failure;
  }

  /** Takes the store's status as the truth, and tells listeners when another process changed it. */
  private noteStatus(shared: SharedStatus): void {
    const state = this.session.state;
    const runtime = this.session.runtime;
    this.remote = shared.status;
    if (shared.escalating !== undefined) this.openQuestions = shared.escalating;
    const before = state.status;
    state.status = shared.status;
    state.haltedBy = shared.haltedBy;
    if (before === shared.status) return;
    if (shared.status === 'killed') runtime.emit('kill', { sessionId: this.session.id, reason: 'killed in another process', ...(shared.haltedBy ? { step: shared.haltedBy.step } : {}) });
    else if (shared.status === 'paused') runtime.emit('pause', { sessionId: this.session.id, step: shared.haltedBy?.step ?? state.lastStep, flags: [] });
    else if (shared.status === 'active' && before === 'paused') runtime.emit('resume', { sessionId: this.session.id });
  }

  /**
   * Records an event of the guard's own (its tool definitions) in the step the session start held for
   * it; a replica that joined a started session records nothing (the starting process did).
   */
  recordOwn(input: EventInput, startStep: number | undefined): void {
    if (this.joined || startStep === undefined) return;
    const runtime = this.session.runtime;
    runtime.record({ ...input, session_id: this.session.id, step: startStep + 2, ts: isoTime(runtime.clock()) } as TraceEvent);
  }

  /** Budget admission: one atomic reservation in the store, against the cap every process shares. */
  async admit(input: ModelCallEstimate, throttledMs = 0): Promise<ModelAdmission> {
    const session = this.session;
    const { budget } = session.state;
    const step = session.state.lastStep;
    const unusable = unusableEstimate(input, step);
    if (unusable) return { step, action: 'block', flags: [unusable], proceed: false, refusal: buildRefusal('block', [unusable], 'Model call') };
    const estimate: Charge = estimateModelCall(session.state, session.runtime, input);
    const request = { id: `r_${randomUUID()}`, tokens: estimate.tokens, costNano: estimate.costNano, ...(budget.maxTokens !== undefined ? { maxTokens: budget.maxTokens } : {}), ...(budget.maxCostNano !== undefined ? { maxCostNano: budget.maxCostNano } : {}) };
    let result;
    try {
      await this.publishing;
      result = await this.log.reserve(request);
    } catch (error) {
      return this.unavailable({ type: 'llm.call', model: 'admission', output: {} }, error, 'Model call');
    }
    this.noteStatus(result);
    if (result.outcome === 'escalating') {
      // A question to a human is open: as in memory, no model call is admitted until it is answered.
      this.openQuestions = Math.max(this.openQuestions, 1);
      const flags = [escalatingFlag(step)];
      return { step, action: 'pause', flags, proceed: false, refusal: buildRefusal('pause', flags, 'Model call') };
    }
    if (result.outcome === 'halted') {
      const flags = [haltFlag(session.state, step)];
      const action = result.status === 'killed' ? 'kill' : 'pause';
      return { step, action, flags, proceed: false, refusal: buildRefusal(action, flags, 'Model call') };
    }
    // An unpriced model under a cost cap is flagged once, as in memory (the flag's action decides, with the budget's).
    const flags: Flag[] = [];
    if (budget.maxCostNano !== undefined && estimate.priced === false && !session.state.isUnpricedKnown(input.model)) flags.push(unpricedFlag(input.model, step));
    const reserved = result.outcome === 'reserved';
    if (reserved && flags.length === 0) return { step, action: throttledMs > 0 ? 'throttle' : 'allow', flags: [], proceed: true, reservationId: request.id, ...(throttledMs > 0 ? { throttledMs } : {}) };
    if (!reserved) {
      flags.push({
        code: AnomalyCode.BUDGET_EXCEEDED,
        step,
        message: `A model call of about ${estimate.tokens} tokens does not fit the session budget (${result.spentTokens} spent, ${result.reservedTokens} reserved).`,
        evidence: { estimate: estimate.tokens, spent: result.spentTokens, reserved: result.reservedTokens, limit: budget.maxTokens ?? null },
      });
    }
    const action = decide(flags, session.runtime.policy, undefined);
    const outcome = await this.resolve(action, flags, step);
    const decision: ModelAdmission = { step, action, flags, ...outcome };
    if (decision.proceed) {
      if (flags.some((found) => found.code === AnomalyCode.MODEL_UNPRICED)) session.state.markUnpriced(input.model);
      // An approved admission still holds its estimate (over the cap, if a human approved that), so concurrent ones see it.
      try {
        if (!reserved) await this.log.reserve({ ...request, force: true });
        decision.reservationId = request.id;
      } catch (error) {
        return this.unavailable({ type: 'llm.call', model: 'admission', output: {} }, error, 'Model call');
      }
    } else {
      if (reserved) this.release(request.id);
      decision.refusal = buildRefusal(action, flags, 'Model call');
    }
    return decision;
  }

  /**
   * The session's own resolve (a pause asks a human, a kill stops the session), with the question open in the
   * store while it waits (`question`: opened with the decision's entry), closed with the halt its answer ends
   * in, and any other halt written through to every process.
   */
  private async resolve(action: Action, flags: readonly Flag[], step: number, question?: PendingEscalation): Promise<Outcome> {
    const { state, runtime } = this.session;
    let open = question;
    if (!open && action === 'pause' && runtime.escalate) {
      // A question no entry opened (a model call's admission) is opened on its own.
      open = this.question(step, flags);
      try {
        this.noteStatus(await this.log.openEscalation(open));
      } catch (error) {
        this.failed(error);
      }
    }
    const asked = open;
    const settle: SettleEscalation | undefined = asked
      ? async (ends) => {
          const shared = await this.log.closeEscalation(asked.id, ends ? { status: ends, haltedBy: { step, codes: asked.codes } } : undefined);
          // The halt this answer ends in is said by the session itself; one from another process (a kill) is taken in.
          if (shared.status === (ends ?? state.status)) {
            this.remote = shared.status;
            this.openQuestions = shared.escalating ?? this.openQuestions;
          } else this.noteStatus(shared);
        }
      : undefined;
    const outcome = await resolveAction(state, runtime, action, flags, step, settle);
    if (state.status === 'killed' || state.status === 'paused') this.publish(state.status === 'killed' ? 'kill' : 'pause', state.haltedBy);
    return outcome;
  }

  release(reservationId: string | undefined): void {
    if (reservationId === undefined) return;
    this.log.release(reservationId).catch((error: unknown) => this.failed(error));
  }

  /** Writes a halt or a resume through to the store, after this replica's earlier appends. */
  publish(change: 'kill' | 'pause' | 'resume', haltedBy?: HaltRecord): void {
    const wanted = change === 'kill' ? 'killed' : change === 'pause' ? 'paused' : 'active';
    if (change !== 'resume' && this.remote === wanted) return;
    const write = (this.publishing ?? Promise.resolve()).then(async () => {
      this.noteStatus(await this.log.setStatus(change, haltedBy));
    });
    const settled = write.catch((error: unknown) => this.failed(error));
    this.publishing = settled;
    void settled.then(() => {
      if (this.publishing === settled) this.publishing = undefined;
    });
  }

  private failed(error: unknown): void {
    this.session.runtime.emit('error', { sessionId: this.session.id, error: error instanceof Error ? error : new Error(String(error)) });
  }

  /** The store did not answer: GUARD_ERROR, which fails closed unless the policy says `onCheckError: allow`. */
  private unavailable(input: EventInput | TraceEvent, error: unknown, what?: string): Decision {
    const session = this.session;
    const step = session.state.lastStep + 1;
    const reason = (error as Error)?.message ?? String(error);
    // A session the store lost is not a new one: deciding on a blank replica would forget its ids, budget and halts.
    const lost = (error as { lost?: unknown } | undefined)?.lost === true;
    const message = lost
      ? `The session store lost this session (its state, or part of it, expired, was flushed or evicted): the guard will not decide this ${input.type} as if the session were new. Start a new session.`
      : `The session store is unavailable (${reason}): the guard cannot decide this ${input.type} from the shared session.`;
    const flags: Flag[] = [{ code: AnomalyCode.GUARD_ERROR, message, step, evidence: { stage: 'store', error: reason, ...(lost ? { lost: true } : {}) } }];
    const tool = 'tool' in input && typeof input.tool === 'string' ? session.state.tools.get(input.tool) : undefined;
    const action = decide(flags, session.runtime.policy, tool);
    const decision: Decision = { step, action, flags, proceed: !NON_PROCEEDING.has(action) };
    if (!decision.proceed) decision.refusal = buildRefusal(action, flags, what ?? refusalSubject({ ...input, session_id: session.id, step } as TraceEvent));
    this.failed(error);
    for (const flag of flags) session.runtime.emit('flag', { sessionId: session.id, flag });
    return decision;
  }
}

const REFUSABLE: ReadonlySet<string> = new Set(['tool.call', 'tool.result', 'subagent.output', 'context.add', 'llm.call']);

function sameEntry(a: SharedLogEntry | undefined, b: LogEntry): boolean {
  return a !== undefined && 'event' in a && a.event.step === b.event.step && a.event.type === b.event.type;
}
