import type { Action } from '../trace/events.js';
import { severity } from '../codes.js';
import type { SessionTriage } from '../forensics/triage-types.js';
import type { ReplaySession } from '../replay.js';

/** The stronger of two actions (the guard's own ranking: a kill outranks a pause, a pause a block...). */
export function strongerAction(a: Action, b: Action): Action {
  return severity(b) > severity(a) ? b : a;
}

/** The strongest action the replay took on a session's tool calls and results. */
export function worstReplayAction(decisions: ReplaySession | undefined): Action {
  let worst: Action = 'allow';
  for (const decision of decisions?.decisions ?? []) worst = strongerAction(worst, decision.action);
  return worst;
}

/**
 * Sessions, the worst first: a fault origin before none; then irreversible actions taken after
 * the origin, actions of unknown reversibility, the strongest guard action, the number of
 * findings, and tokens spent. Ties keep the trace's order.
 */
export function worstFirst(sessions: readonly SessionTriage[], decisions: readonly ReplaySession[]): SessionTriage[] {
  const byId = new Map(decisions.map((session) => [session.session_id, session]));
  const key = (triage: SessionTriage): number[] => [
    triage.fault_origin ? 1 : 0,
    triage.actions_after_origin.filter((action) => action.reversible === false).length,
    triage.actions_after_origin.filter((action) => action.reversible === null).length,
    severity(worstReplayAction(byId.get(triage.session_id))),
    triage.flags.length,
    triage.totals.input_tokens + triage.totals.output_tokens,
  ];
  const keyed = sessions.map((triage, order) => ({ triage, order, key: key(triage) }));
  keyed.sort((a, b) => {
    for (let index = 0; index < a.key.length; index += 1) {
      const difference = b.key[index]! - a.key[index]!;
      if (difference !== 0) return difference;
    }
    return a.order - b.order;
  });
  return keyed.map((entry) => entry.triage);
}
