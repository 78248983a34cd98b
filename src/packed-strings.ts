import { NumberColumn } from './number-column.js';

/** Strings joined into one chunk at a time: a chunk is one object however many ids it holds. */
const CHUNK = 4_096;
/** Characters past which a chunk is joined early, so a chunk of long ids never nears V8's longest string. */
const CHUNK_CHARS = 1 << 20;

/**
 * A list of strings that only grows, kept as a few large strings: a million session ids kept one
 * by one are a million objects (about 40 bytes each with their slot) that every collection of the
 * old heap walks; joined 4,096 at a time they cost their characters and 4 bytes each. Any string
 * comes back exactly (code units, lone surrogates too).
 */
export class PackedStrings {
  private readonly chunks: string[] = [];
  /** The index of each chunk's first string, in increasing order. */
  private readonly firsts: number[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  /** Where each string starts in its chunk. */
  private readonly starts = new NumberColumn('uint32');
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends a string; the number returned gives it back. */
  push(text: string): number {
    this.starts.set(this.count, this.pendingLength);
    this.pending.push(text);
    this.pendingLength += text.length;
    this.count += 1;
    if (this.pending.length === CHUNK || this.pendingLength > CHUNK_CHARS) {
      this.firsts.push(this.count - this.pending.length);
      this.chunks.push(this.pending.join(''));
      this.pending = [];
      this.pendingLength = 0;
    }
    return this.count - 1;
  }

  get(index: number): string {
    const pendingFirst = this.count - this.pending.length;
    if (index >= pendingFirst) return this.pending[index - pendingFirst]!;
    let low = 0;
    let high = this.firsts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.firsts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    const text = this.chunks[low]!;
    const next = low + 1 < this.firsts.length ? this.firsts[low + 1]! : pendingFirst;
    return text.slice(this.starts.get(index), index + 1 === next ? text.length : this.starts.get(index + 1));
  }
}
