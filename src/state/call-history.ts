import type { CanonicalArguments } from '../text/canonical-args.js';

export interface CallRecord {
  step: number;
  callId: string;
  tool: string;
  args: CanonicalArguments;
  /** Structural hash of what the call returned (noise masked); `refused`; `undefined` while pending. */
  resultHash?: number | 'refused';
}

/** The session's recent tool calls, oldest first, bounded to `capacity`. */
export class CallHistory {
  private readonly records: CallRecord[] = [];
  private readonly byCallId = new Map<string, CallRecord>();

  constructor(private readonly capacity: number) {}

  add(record: CallRecord): void {
    this.records.push(record);
    this.byCallId.set(record.callId, record);
    if (this.records.length > this.capacity) {
      const evicted = this.records.shift()!;
      if (this.byCallId.get(evicted.callId) === evicted) this.byCallId.delete(evicted.callId);
    }
  }

  setResult(callId: string, resultHash: number | 'refused'): void {
    const record = this.byCallId.get(callId);
    if (record) record.resultHash = resultHash;
  }

  get(callId: string): CallRecord | undefined {
    return this.byCallId.get(callId);
  }

  /** Oldest first. */
  all(): readonly CallRecord[] {
    return this.records;
  }
}
