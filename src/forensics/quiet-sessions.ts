import type { SessionTriage } from './triage-types.js';
import { NumberColumn } from '../number-column.js';
import type { BaselineVisitor } from './baselines.js';

/** Shared and frozen by every session that has none: a million clean sessions need no million empty arrays. */
export const NONE: readonly never[] = Object.freeze([]);

/** What a session's triage is built from, besides its origin and flags. */
export interface SessionSummary {
  totals: SessionTriage['totals'];
  sessionType: string | null;
  firstAt: number | undefined;
  lastAt: number | undefined;
}

/** The triage of a session with no origin and no flag. */
export function quietTriage(sessionId: string, { totals, sessionType, firstAt, lastAt }: SessionSummary): SessionTriage {
  return {
    session_id: sessionId,
    mode: 'none',
    fault_origin: null,
    cascade: NONE,
    actions_after_origin: NONE,
    flags: NONE,
    totals,
    session_type: sessionType,
    started_at: firstAt === undefined ? null : new Date(firstAt).toISOString(),
    duration_ms: firstAt === undefined || lastAt === undefined ? null : lastAt - firstAt,
  };
}

/** The whole numbers kept per quiet session, 4 bytes each: the six counts (cost in nano-USD) and how long it ran. */
const COUNTS = ['llm_calls', 'tool_calls', 'input_tokens', 'output_tokens', 'costNano', 'steps', 'duration'] as const;

/**
 * The sessions a triage found nothing in (no origin, no flag), packed in columns until the report is
 * built: most sessions of a long trace are quiet, and kept as objects they would be most of what a
 * triage holds while it reads (the heap V8 keeps grows with what survives its collections). A quiet
 * session costs 40 bytes (its counts, start time and type); its id is the replay's, by its place.
 */
export class QuietSessions {
  private readonly counts = COUNTS.map(() => new NumberColumn('uint32'));
  /** The first event's time (NaN when none): the last one is kept as the duration. */
  private readonly starts = new NumberColumn('float64');
  /** Each session's type, as an index into `typeNames` (a trace has few types; each session holds its own copy of one). */
  private readonly types = new NumberColumn('uint32');
  private readonly typeNames: Array<string | null> = [null];
  private readonly typeIndex = new Map<string, number>();
  private size = 0;

  /** Packs one quiet session; the number returned gives its triage back. `costNano` is what `totals.cost_usd` is in nano-USD. */
  add(summary: SessionSummary & { costNano: number }): number {
    const index = this.size++;
    const { totals, firstAt, lastAt } = summary;
    const counts = this.counts;
    counts[0]!.set(index, totals.llm_calls);
    counts[1]!.set(index, totals.tool_calls);
    counts[2]!.set(index, totals.input_tokens);
    counts[3]!.set(index, totals.output_tokens);
    counts[4]!.set(index, summary.costNano);
    counts[5]!.set(index, totals.steps);
    counts[6]!.set(index, firstAt === undefined || lastAt === undefined ? 0 : lastAt - firstAt);
    this.starts.set(index, firstAt ?? NaN);
    this.types.set(index, this.typeOf(summary.sessionType));
    return index;
  }

  /** A packed session's triage, as an object. */
  triageOf(index: number, sessionId: string): SessionTriage {
    const count = (column: number) => this.counts[column]!.get(index);
    const start = this.starts.get(index);
    const firstAt = Number.isNaN(start) ? undefined : start;
    const totals = { llm_calls: count(0), tool_calls: count(1), input_tokens: count(2), output_tokens: count(3), cost_usd: count(4) / 1e9, steps: count(5) };
    return quietTriage(sessionId, { totals, sessionType: this.typeNames[this.types.get(index)] ?? null, firstAt, lastAt: firstAt === undefined ? undefined : firstAt + count(6) });
  }

  /** A packed session's numbers, as its triage would give them to a baseline, read in place. */
  visit(index: number, visit: BaselineVisitor): void {
    const count = (column: number) => this.counts[column]!.get(index);
    visit(this.typeNames[this.types.get(index)] ?? null, count(2) + count(3), count(4) / 1e9, count(5), Number.isNaN(this.starts.get(index)) ? null : count(6));
  }

  private typeOf(type: string | null): number {
    if (type === null) return 0;
    let index = this.typeIndex.get(type);
    if (index === undefined) {
      index = this.typeNames.push(type) - 1;
      this.typeIndex.set(type, index);
    }
    return index;
  }
}
