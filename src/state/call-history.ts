import { sameArguments, type CanonicalArguments } from '../text/canonical-args.js';
import { appended } from '../text/compact-array.js';
import { takeOldest } from '../text/oldest-first.js';

export interface CallRecord {
  step: number;
  callId: string;
  tool: string;
  args: CanonicalArguments;
  /** Structural hash of what the call returned (noise masked); `refused`; `undefined` while pending. */
  resultHash?: number | 'refused';
  /** While pending: the tokens its result may merely echo, and the ids a successful lookup vouches for. */
  pending?: { echo: ReadonlySet<string>; lookupIds: string[] };
  /** Set by the history: its arguments equal those of its tool's call before it (a repeat changes nothing new). */
  repeat?: boolean;
}

const NONE: readonly CallRecord[] = [];
/** Records looked through for a tool's call before a new one: a call is a repeat only of a recent one. */
const REPEAT_LOOKBACK = 64;
/** Calls awaiting their result remembered past the history; a fan-out wider than this is rare. */
const MAX_EVICTED_PENDING = 1_024;

/**
 * The session's recent tool calls, oldest first, bounded to `capacity`; nothing allocated until the
 * first call. Found by id newest first: a result almost always follows its call closely, and the
 * bound keeps the worst case small, so no index map is kept.
 */
export class CallHistory {
  private records: CallRecord[] | undefined;
  /** Ids of calls that left the history while their result was still to come (a wide fan-out). */
  private evictedPending: Set<string> | undefined;

  constructor(private readonly capacity: number) {}

  add(record: CallRecord): void {
    const previous = this.records;
    let repeat = false;
    if (previous !== undefined) {
      for (let index = previous.length - 1; index >= Math.max(0, previous.length - REPEAT_LOOKBACK); index -= 1) {
        const earlier = previous[index]!;
        if (earlier.tool !== record.tool) continue;
        repeat = sameArguments(earlier.args, record.args);
        break;
      }
    }
    record.repeat = repeat;
    const records = (this.records = appended(previous ?? [], record));
    if (records.length > this.capacity) {
      const evicted = records.shift()!;
      if (evicted.pending !== undefined) {
        const ids = (this.evictedPending ??= new Set());
        if (ids.size >= MAX_EVICTED_PENDING) takeOldest(ids);
        ids.add(evicted.callId);
      }
    }
  }

  /**
   * Whether a call with this id left the history before its result came: with the calls `get` finds,
   * the calls a result may answer. A result for any other id ran without the guard's check.
   */
  leftPending(callId: string): boolean {
    return this.evictedPending?.has(callId) === true;
  }

  setResult(callId: string, resultHash: number | 'refused'): void {
    const record = this.get(callId);
    if (record) record.resultHash = resultHash;
  }

  /** The newest call with this id (ids are not unique in real logs). */
  get(callId: string): CallRecord | undefined {
    const records = this.records;
    if (records === undefined) return undefined;
    for (let index = records.length - 1; index >= 0; index -= 1) if (records[index]!.callId === callId) return records[index];
    return undefined;
  }

  /** Oldest first. */
  all(): readonly CallRecord[] {
    return this.records ?? NONE;
  }
}
