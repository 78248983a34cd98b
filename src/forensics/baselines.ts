import type { SessionTriage } from './triage-types.js';

/** The label of sessions recorded without a type. */
export const UNTYPED = '(untyped)';

/** What a normal session of one type costs: medians over the sessions of that type the traces hold. */
export interface SessionTypeBaseline {
  session_type: string;
  sessions: number;
  median: { tokens: number; cost_usd: number; steps: number; duration_ms: number | null };
}

/** A baseline needs this many sessions of the type before a session is compared with it. */
export const MIN_BASELINE_SESSIONS = 3;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function sessionTokens(session: SessionTriage): number {
  return session.totals.input_tokens + session.totals.output_tokens;
}

/** Each session type's baseline (median tokens, cost, steps and duration), from the triaged sessions. */
export function computeBaselines(sessions: readonly SessionTriage[]): SessionTypeBaseline[] {
  const byType = new Map<string, SessionTriage[]>();
  for (const session of sessions) {
    const type = session.session_type ?? UNTYPED;
    const list = byType.get(type) ?? [];
    list.push(session);
    byType.set(type, list);
  }
  return [...byType.entries()]
    .map(([type, list]): SessionTypeBaseline => {
      const durations = list.flatMap((session) => (session.duration_ms === null ? [] : [session.duration_ms]));
      return {
        session_type: type,
        sessions: list.length,
        median: {
          tokens: median(list.map(sessionTokens)),
          cost_usd: median(list.map((session) => session.totals.cost_usd)),
          steps: median(list.map((session) => session.totals.steps)),
          duration_ms: durations.length === 0 ? null : median(durations),
        },
      };
    })
    .sort((a, b) => b.sessions - a.sessions || a.session_type.localeCompare(b.session_type));
}

/** How a session compares with its type's baseline: cost when the traces are priced, tokens otherwise. */
export interface BaselineComparison {
  metric: 'cost_usd' | 'tokens';
  value: number;
  baseline: SessionTypeBaseline;
  /** `value` over the baseline's median. */
  ratio: number;
}

export function compareWithBaseline(session: SessionTriage, baselines: readonly SessionTypeBaseline[]): BaselineComparison | undefined {
  const baseline = baselines.find((candidate) => candidate.session_type === (session.session_type ?? UNTYPED));
  if (!baseline || baseline.sessions < MIN_BASELINE_SESSIONS) return undefined;
  if (baseline.median.cost_usd > 0) return { metric: 'cost_usd', value: session.totals.cost_usd, baseline, ratio: session.totals.cost_usd / baseline.median.cost_usd };
  if (baseline.median.tokens > 0) return { metric: 'tokens', value: sessionTokens(session), baseline, ratio: sessionTokens(session) / baseline.median.tokens };
  return undefined;
}

/** "6.2x the baseline of support-chat over 412 sessions (median 12,000 tokens)". */
export function describeComparison(comparison: BaselineComparison): string {
  const { baseline, metric, ratio } = comparison;
  const typical = metric === 'cost_usd' ? `$${baseline.median.cost_usd.toFixed(4)}` : `${Math.round(baseline.median.tokens).toLocaleString('en-US')} tokens`;
  return `${ratio.toFixed(1)}x the baseline of ${baseline.session_type} over ${baseline.sessions} sessions (median ${typical})`;
}
