import { forEachTraceItem, numbered, traceItems, type TraceInput, type TraceItem } from './reader.js';
import { detached, quickSessionId } from './session-id.js';

/** The session an item of a trace names, if any: read without parsing when that is certain. */
function sessionOf(item: TraceItem): string | undefined {
  let text: string | undefined;
  let parsed: unknown;
  if (typeof item === 'string') text = item;
  else if (typeof item === 'object' && item !== null) {
    const line = numbered(item);
    if (!line) parsed = item;
    else if (line.error !== undefined) return undefined;
    else if (line.text !== undefined) text = line.text;
    else parsed = line.event;
  } else return undefined;
  if (text !== undefined) {
    const quick = quickSessionId(text);
    if (quick !== undefined) return quick;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const sessionId = typeof parsed === 'object' && parsed !== null ? (parsed as { session_id?: unknown }).session_id : undefined;
  return typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined;
}

/**
 * Where each session of a trace ends: the position (`readTrace`'s `position.item`) of the last line
 * naming it. Any line naming a session counts, even one the reader will reject, so a session never
 * closes early; a line that is valid is never counted for another session (`quickSessionId` is exact).
 */
export class SessionEnds {
  /** Sessions in order of their last line, and each one's last position: two arrays hold less than the map they came from. */
  private constructor(
    private readonly ids: readonly string[],
    private readonly ends: Float64Array,
  ) {}

  static async of(input: TraceInput): Promise<SessionEnds> {
    const last = new Map<string, number>();
    let position = 0;
    await forEachTraceItem(traceItems(input), (item) => {
      position += 1;
      const sessionId = sessionOf(item);
      if (sessionId === undefined) return;
      // A key is stored when first set: only then is the id copied off its line.
      if (last.has(sessionId)) last.set(sessionId, position);
      else last.set(detached(sessionId), position);
    });
    const ids = [...last.keys()];
    const ends = Float64Array.from(last.values());
    const byEnd = Uint32Array.from(ids.keys()).sort((a, b) => ends[a]! - ends[b]!);
    return new SessionEnds(Array.from(byEnd, (index) => ids[index]!), Float64Array.from(byEnd, (index) => ends[index]!));
  }

  /** Sessions in the trace. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * A walk through one reading of the trace: `passed(position, end)` calls `end` once for every
   * session whose last line is at or before `position` (positions given in increasing order).
   */
  walk(): (position: number, end: (sessionId: string) => void) => void {
    let next = 0;
    return (position, end) => {
      while (next < this.ids.length && this.ends[next]! <= position) end(this.ids[next++]!);
    };
  }
}
