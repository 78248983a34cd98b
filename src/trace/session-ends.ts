import { forEachTraceItem, numbered, traceItems, type TraceInput, type TraceItem } from './reader.js';
import { quickSessionId } from './session-id.js';
import { hashString } from '../text/hash.js';

/** The session an item of a trace names, if any: read without parsing when that is certain. */
export function sessionOf(item: TraceItem): string | undefined {
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

/** 53 bits of a session id (two 32-bit hashes): a number a Float64Array holds exactly. */
function keyOf(sessionId: string): number {
  return (hashString(sessionId) >>> 0) + (hashString(sessionId, 0x9e3779b9) >>> 11) * 2 ** 32;
}

/**
 * Each session's last position while a trace is scanned, by the hash of its id: an open-addressed
 * table of two typed arrays, 32 bytes a session at most and no object for the collector to trace,
 * where a Map of a million ids held about 100 MB. Two ids with the same hash share an entry: the
 * earlier-ending one then closes only at the end of the trace (late, never early).
 */
class LastPositions {
  private keys = new Float64Array(1_024);
  /** 0 is an empty slot: positions count from 1. */
  private positions = new Float64Array(1_024);
  private used = 0;

  set(key: number, position: number): void {
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    const slot = this.slotOf(key);
    if (this.positions[slot] === 0) this.used += 1;
    this.keys[slot] = key;
    this.positions[slot] = position;
  }

  /** Every session's last position. */
  forEach(each: (position: number) => void): void {
    for (const position of this.positions) if (position !== 0) each(position);
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    // The low bits are the first hash's: spread over the table already.
    let slot = key % this.keys.length;
    while (this.positions[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { keys, positions } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.positions = new Float64Array(keys.length * 2);
    for (let index = 0; index < keys.length; index += 1) {
      if (positions[index] === 0) continue;
      const slot = this.slotOf(keys[index]!);
      this.keys[slot] = keys[index]!;
      this.positions[slot] = positions[index]!;
    }
  }
}

/**
 * Where each session of a trace ends: which positions (`readTrace`'s `position.item`) are the last
 * line naming their session. Any line naming a session counts, even one the reader will reject, so a
 * session never closes early; a line that is valid is never counted for another session
 * (`quickSessionId` is exact). One bit a line once learnt, whatever the sessions: a finished session
 * costs a reader nothing, and the session a last line names is read off that line when it comes.
 */
export class SessionEnds {
  private constructor(private readonly last: Uint8Array) {}

  static async of(input: TraceInput): Promise<SessionEnds> {
    const positions = new LastPositions();
    let position = 0;
    await forEachTraceItem(traceItems(input), (item) => {
      position += 1;
      const sessionId = sessionOf(item);
      if (sessionId !== undefined) positions.set(keyOf(sessionId), position);
    });
    const last = new Uint8Array((position >>> 3) + 1);
    positions.forEach((end) => (last[end >>> 3]! |= 1 << (end & 7)));
    return new SessionEnds(last);
  }

  /** Whether the line at this position is the last to name its session (the session ends with it). */
  isLast(position: number): boolean {
    return (position >>> 3) < this.last.length && (this.last[position >>> 3]! & (1 << (position & 7))) !== 0;
  }
}
