import type { Action, Flag, TraceEvent } from '../trace/events.js';
import type { Decision } from '../decision.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import { AnomalyCode } from '../codes.js';

const NON_PROCEEDING: ReadonlySet<Action> = new Set(['block', 'pause', 'kill']);

/** Events refused (calls) or withheld (content) while a session is paused or killed. */
const HALTABLE: ReadonlySet<TraceEvent['type']> = new Set(['tool.call', 'tool.result', 'llm.call', 'subagent.output', 'context.add']);

/** Stops a session (paused or killed) and says so once; a killed session stays killed. */
export function halt(state: SessionState, runtime: GuardRuntime, status: 'paused' | 'killed', step: number, flags: readonly Flag[]): void {
  if (state.status === 'killed') return;
  const wasActive = state.status !== status;
  state.status = status;
  state.haltedBy = { step, codes: [...new Set(flags.map((flag) => flag.code))] };
  if (wasActive) runtime.emit(status === 'paused' ? 'pause' : 'kill', { sessionId: state.id, step, flags: [...flags] });
}

/** The flag every call of a halted session carries: when it was halted, and why. */
export function haltFlag(state: SessionState, step: number): Flag {
  const halted = state.haltedBy ?? { step, codes: [] };
  const killed = state.status === 'killed';
  return {
    code: killed ? AnomalyCode.SESSION_KILLED : AnomalyCode.SESSION_PAUSED,
    message: `Session was ${killed ? 'killed' : 'paused'} at step ${halted.step}${halted.codes.length ? ` (${halted.codes.join(', ')})` : ''}${killed ? '' : '; it stays paused until someone resumes it'}.`,
    step,
    evidence: { haltedAt: halted.step, codes: halted.codes },
  };
}

/** The flag of a call refused because a human is being asked about another call of the session. */
export function escalatingFlag(step: number): Flag {
  return {
    code: AnomalyCode.SESSION_PAUSED,
    message: 'A human is being asked about another call of this session; other calls are refused until they answer (halts.whileEscalating).',
    step,
    evidence: { escalating: true },
  };
}

/**
 * The halt an event meets whatever the checks found: while paused or after a kill, calls are refused and
 * content (results, model output, subagent output) withheld; while a human is asked about one call, the
 * session's other calls are refused. `undefined` when the event is decided normally. A result of a call
 * the guard refused is already the model's to never see: it needs no halt flag. `escalating`: whether a
 * question is open (a shared session counts those of every process).
 */
export function standingHalt(state: SessionState, event: TraceEvent, ofRefusedCall: boolean, escalating: boolean): { flag: Flag; action: Action } | undefined {
  const halted = state.status === 'paused' || state.status === 'killed';
  if (halted && HALTABLE.has(event.type) && !ofRefusedCall) return { flag: haltFlag(state, event.step), action: state.status === 'killed' ? 'kill' : 'pause' };
  if (event.type === 'tool.call' && escalating) return { flag: escalatingFlag(event.step), action: 'pause' };
  return undefined;
}

/**
 * Kill wins over any answer that arrived after it: an outcome that would proceed in a killed session does
 * not, and says why. Returns the decision's action.
 */
export function killWins(state: SessionState, outcome: Pick<Decision, 'proceed' | 'escalation'>, flags: Flag[], step: number, action: Action): Action {
  if (!outcome.proceed || state.status !== 'killed') return action;
  outcome.proceed = false;
  if (outcome.escalation === 'approved') outcome.escalation = 'killed';
  flags.push(haltFlag(state, step));
  return 'kill';
}

/**
 * A shared session's part in an escalation, once the human answered (or did not): the question is closed in
 * the store together with the halt it ends in, and the store's status (a kill from another process) taken in.
 */
export type SettleEscalation = (halt: 'paused' | 'killed' | undefined) => Promise<void>;

/** Calls queued behind a pending escalation (`halts.whileEscalating: queue`), per session; made on first use. */
const waiting = new WeakMap<SessionState, Array<() => void>>();

/** Resolves once no escalation of the session is waiting for an answer. */
export async function escalationsSettled(state: SessionState): Promise<void> {
  while (state.escalating > 0) {
    await new Promise<void>((resolve) => {
      let waiters = waiting.get(state);
      if (!waiters) waiting.set(state, (waiters = []));
      waiters.push(resolve);
    });
  }
}

/** What a decision's action comes to: whether the call proceeds, and how an escalation ended. */
export type Outcome = Pick<Decision, 'proceed' | 'escalation'>;

/**
 * Turns pause into a human's answer (or a refusal when no one is there), and kill into a stopped session.
 * `settle`: a shared session closes the question in its store before the answer takes effect.
 */
export function resolveAction(
  state: SessionState,
  runtime: GuardRuntime,
  action: Action,
  flags: readonly Flag[],
  step: number,
  settle?: SettleEscalation,
): Outcome | Promise<Outcome> {
  // Synchronous unless a human is asked: every call waits for its outcome, and most are allowed.
  if (action === 'kill') {
    halt(state, runtime, 'killed', step, flags);
    return { proceed: false };
  }
  if (action !== 'pause') return { proceed: !NON_PROCEEDING.has(action) };
  const escalate = runtime.escalate;
  if (!escalate) {
    halt(state, runtime, 'paused', step, flags);
    return { proceed: false, escalation: 'unavailable' };
  }
  return escalated(state, runtime, escalate, flags, step, settle);
}

/** A pause put to the escalation handler: its answer, a timeout, or its failure decides. */
async function escalated(state: SessionState, runtime: GuardRuntime, escalate: NonNullable<GuardRuntime['escalate']>, flags: readonly Flag[], step: number, settle: SettleEscalation | undefined): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  state.escalating += 1;
  try {
    let answer: unknown;
    try {
      answer = await Promise.race([
        Promise.resolve().then(() => escalate({ sessionId: state.id, step, flags: [...flags] })),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), runtime.policy.escalationTimeoutMs);
          timer.unref?.();
        }),
      ]);
    } catch {
      answer = FAILED;
    }
    // Only exactly 'approve' approves.
    const ends = answer === 'approve' ? undefined : answer === 'kill' ? 'killed' : 'paused';
    try {
      await settle?.(ends);
    } catch {
      answer = FAILED;
    }
    // A kill that landed while waiting wins over an approve.
    if (answer === 'approve' && state.status !== 'killed') return { proceed: true, escalation: 'approved' };
    if (answer === 'approve') return { proceed: false, escalation: 'killed' };
    if (answer === 'kill') {
      halt(state, runtime, 'killed', step, flags);
      return { proceed: false, escalation: 'killed' };
    }
    halt(state, runtime, 'paused', step, flags);
    return { proceed: false, escalation: answer === FAILED ? 'failed' : answer === 'timeout' ? 'timeout' : 'denied' };
  } finally {
    clearTimeout(timer);
    state.escalating -= 1;
    if (state.escalating === 0) {
      const waiters = waiting.get(state);
      if (waiters) {
        waiting.delete(state);
        for (const wake of waiters) wake();
      }
    }
  }
}

/** The escalation handler threw, or its answer could not be settled in a shared store: the call is refused. */
const FAILED = Symbol('failed');

/** Lifts a pause: later calls are decided normally again. */
export function resumeSession(state: SessionState, runtime: GuardRuntime): void {
  if (state.status !== 'paused') return;
  state.status = 'active';
  state.haltedBy = undefined;
  runtime.emit('resume', { sessionId: state.id });
}

/** Refuses every further call in the session. */
export function killSession(state: SessionState, runtime: GuardRuntime, reason: string): void {
  state.status = 'killed';
  state.haltedBy ??= { step: state.lastStep, codes: [reason] };
  runtime.emit('kill', { sessionId: state.id, reason });
}
