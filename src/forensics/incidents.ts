import type { FailureMode } from '../trace/events.js';
import type { SessionTriage } from './triage-types.js';
import { compareWithBaseline, type SessionTypeBaseline } from './baselines.js';

/** What makes two failed sessions "the same failure": mode, the check at the origin, the tool hit, the flags. */
export interface FailureSignature {
  mode: FailureMode;
  /** The flag raised at the fault origin (or the session's first flag). */
  origin_check: string | null;
  /** The first tool called at or after the origin. */
  tool: string | null;
  /** The distinct flag codes of the session, sorted. */
  flags: string[];
}

/** One failure pattern across the sessions of the traces read. */
export interface IncidentGroup {
  signature: FailureSignature;
  count: number;
  first_seen: string | null;
  last_seen: string | null;
  example_session: string;
  /** The group's sessions, the first MAX_LISTED of them. */
  sessions: string[];
  /** The playbook's escalation rule, applied: a full postmortem, or an eval added to the regression suite. */
  escalation: { level: 'postmortem' | 'eval'; reasons: string[] };
}

const MAX_LISTED = 20;
/** Cost more than this many times the session type's baseline escalates (the playbook's rule). */
const COST_ESCALATION_RATIO = 5;

export function failureSignature(session: SessionTriage): FailureSignature {
  const originStep = session.fault_origin?.step;
  const atOrigin = session.flags.find((flag) => flag.step === originStep) ?? session.flags[0];
  return {
    mode: session.mode,
    origin_check: atOrigin?.code ?? null,
    tool: session.actions_after_origin[0]?.tool ?? null,
    flags: [...new Set(session.flags.map((flag) => flag.code))].sort(),
  };
}

/**
 * Groups failed sessions by failure signature and applies the playbook's escalation rule to each group:
 * a full postmortem when an external action was taken after the origin, when a session cost more than
 * 5x its type's baseline, or when the same pattern appears in more than one session; otherwise an eval.
 * Worst first: postmortems, then by count.
 */
export function groupIncidents(sessions: Iterable<SessionTriage>, baselines: readonly SessionTypeBaseline[]): IncidentGroup[] {
  const groups = new Map<string, { group: IncidentGroup; external: string[]; costly: string[] }>();
  for (const session of sessions) {
    if (session.mode === 'none') continue;
    const signature = failureSignature(session);
    const key = JSON.stringify(signature);
    let entry = groups.get(key);
    if (!entry) {
      entry = { group: { signature, count: 0, first_seen: null, last_seen: null, example_session: session.session_id, sessions: [], escalation: { level: 'eval', reasons: [] } }, external: [], costly: [] };
      groups.set(key, entry);
    }
    const { group } = entry;
    group.count += 1;
    if (group.sessions.length < MAX_LISTED) group.sessions.push(session.session_id);
    const seen = session.started_at;
    if (seen !== null) {
      if (group.first_seen === null || seen < group.first_seen) group.first_seen = seen;
      if (group.last_seen === null || seen > group.last_seen) group.last_seen = seen;
    }
    const external = session.actions_after_origin.find((action) => action.reversible !== true);
    if (external && entry.external.length < 3) entry.external.push(`${session.session_id} step ${external.step} ${external.tool}`);
    const comparison = compareWithBaseline(session, baselines);
    if (comparison && comparison.ratio > COST_ESCALATION_RATIO && entry.costly.length < 3) entry.costly.push(`${session.session_id} at ${comparison.ratio.toFixed(1)}x the ${comparison.baseline.session_type} baseline`);
  }
  const result = [...groups.values()].map(({ group, external, costly }) => {
    const reasons: string[] = [];
    if (external.length > 0) reasons.push(`external action taken after the origin (${external.join('; ')})`);
    if (costly.length > 0) reasons.push(`cost more than ${COST_ESCALATION_RATIO}x baseline (${costly.join('; ')})`);
    if (group.count > 1) reasons.push(`same pattern in ${group.count} sessions`);
    group.escalation = { level: reasons.length > 0 ? 'postmortem' : 'eval', reasons };
    return group;
  });
  return result.sort((a, b) => (a.escalation.level === b.escalation.level ? 0 : a.escalation.level === 'postmortem' ? -1 : 1) || b.count - a.count);
}

/** The escalation, stated as the playbook states it. */
export function describeEscalation(group: IncidentGroup): string {
  return group.escalation.level === 'postmortem'
    ? `full postmortem: ${group.escalation.reasons.join('; ')}`
    : 'add an eval: one session, no external action, cost within 5x baseline (a bug, not an architectural gap)';
}
