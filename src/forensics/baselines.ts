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

export function sessionTokens(session: SessionTriage): number {
  return session.totals.input_tokens + session.totals.output_tokens;
}

/** One session's numbers, as a baseline takes them. */
export type BaselineVisitor = (type: string | null, tokens: number, costUsd: number, steps: number, durationMs: number | null) => void;

/**
 * The sessions a baseline is computed from, visited as often as it needs (once per metric): a
 * million sessions packed in columns are read in place, never made into objects or copied whole.
 */
export interface BaselineSource {
  forEach(visit: BaselineVisitor): void;
}

/** Hands one triaged session's numbers to a baseline. */
export function visitSession(session: SessionTriage, visit: BaselineVisitor): void {
  visit(session.session_type, sessionTokens(session), session.totals.cost_usd, session.totals.steps, session.duration_ms);
}

function median(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const METRICS = 4;

/**
 * Each session type's baseline (median tokens, cost, steps and duration). One metric at a time:
 * what it holds at once is one number a session (8 MB for a million), sorted for its median.
 */
export function computeBaselines(source: BaselineSource): SessionTypeBaseline[] {
  const byType = new Map<string, { sessions: number; durations: number; medians: number[] }>();
  source.forEach((type, _tokens, _cost, _steps, duration) => {
    const key = type ?? UNTYPED;
    const entry = byType.get(key) ?? { sessions: 0, durations: 0, medians: [] };
    entry.sessions += 1;
    if (duration !== null) entry.durations += 1;
    byType.set(key, entry);
  });
  // One array a type, refilled for each metric: the arrays of a finished metric are not left for the collector.
  const columns = new Map<string, { array: Float64Array; length: number }>();
  for (const [type, entry] of byType) columns.set(type, { array: new Float64Array(entry.sessions), length: 0 });
  for (let metric = 0; metric < METRICS; metric += 1) {
    for (const column of columns.values()) column.length = 0;
    source.forEach((type, tokens, cost, steps, duration) => {
      const value = metric === 0 ? tokens : metric === 1 ? cost : metric === 2 ? steps : duration;
      if (value === null) return;
      const column = columns.get(type ?? UNTYPED)!;
      column.array[column.length++] = value;
    });
    for (const [type, column] of columns) byType.get(type)!.medians.push(median(column.array.subarray(0, column.length).sort()));
  }
  return [...byType.entries()]
    .map(([type, { sessions, durations, medians }]): SessionTypeBaseline => ({
      session_type: type,
      sessions,
      median: { tokens: medians[0]!, cost_usd: medians[1]!, steps: medians[2]!, duration_ms: durations === 0 ? null : medians[3]! },
    }))
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
