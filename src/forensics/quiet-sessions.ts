import type { SessionTriage } from './triage-types.js';

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

/** Numbers kept per quiet session: the six totals, then the first and last event times (NaN when none). */
const WIDTH = 8;

/**
 * The sessions a triage found nothing in (no origin, no flag), packed in columns until the report is
 * built: most sessions of a long trace are quiet, and kept as objects they would be most of what a
 * triage holds while it reads (the heap V8 keeps grows with what survives its collections).
 */
export class QuietSessions {
  private numbers = new Float64Array(WIDTH * 256);
  private readonly ids: string[] = [];
  private readonly types: Array<string | null> = [];

  /** Packs one quiet session; the number returned gives its triage back. */
  add(sessionId: string, summary: SessionSummary): number {
    const index = this.ids.length;
    if ((index + 1) * WIDTH > this.numbers.length) {
      const bigger = new Float64Array(this.numbers.length * 2);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    const { llm_calls, tool_calls, input_tokens, output_tokens, cost_usd, steps } = summary.totals;
    this.numbers.set([llm_calls, tool_calls, input_tokens, output_tokens, cost_usd, steps, summary.firstAt ?? NaN, summary.lastAt ?? NaN], index * WIDTH);
    this.ids.push(sessionId);
    this.types.push(summary.sessionType);
    return index;
  }

  /** A packed session's triage, as an object. */
  triageOf(index: number): SessionTriage {
    const at = index * WIDTH;
    const number = (offset: number) => this.numbers[at + offset]!;
    const time = (offset: number) => (Number.isNaN(number(offset)) ? undefined : number(offset));
    const totals = { llm_calls: number(0), tool_calls: number(1), input_tokens: number(2), output_tokens: number(3), cost_usd: number(4), steps: number(5) };
    return quietTriage(this.ids[index]!, { totals, sessionType: this.types[index]!, firstAt: time(6), lastAt: time(7) });
  }
}
