import type { Action, Flag } from '../trace/events.js';
import type { Decision } from '../decision.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import { AnomalyCode } from '../codes.js';

const NON_PROCEEDING: ReadonlySet<Action> = new Set(['block', 'pause', 'kill']);

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

/** Turns pause into a human's answer (or a refusal when no one is there), and kill into a stopped session. */
export async function resolveAction(state: SessionState, runtime: GuardRuntime, action: Action, flags: readonly Flag[], step: number): Promise<Pick<Decision, 'proceed' | 'escalation'>> {
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
  let timer: NodeJS.Timeout | undefined;
  state.escalating += 1;
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => escalate({ sessionId: state.id, step, flags: [...flags] })),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), runtime.policy.escalationTimeoutMs);
        timer.unref?.();
      }),
    ]);
    // Only exactly 'approve' approves; a kill that landed while waiting wins over it.
    if (answer === 'approve' && state.status !== 'killed') return { proceed: true, escalation: 'approved' };
    if (answer === 'approve') return { proceed: false, escalation: 'killed' };
    if (answer === 'kill') {
      halt(state, runtime, 'killed', step, flags);
      return { proceed: false, escalation: 'killed' };
    }
    halt(state, runtime, 'paused', step, flags);
    return { proceed: false, escalation: answer === 'timeout' ? 'timeout' : 'denied' };
  } catch {
    halt(state, runtime, 'paused', step, flags);
    return { proceed: false, escalation: 'failed' };
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
