import type { ReportContent } from './report-types.js';

/** Shorter texts are cheaper inline than as a reference. */
const MIN_POOLED = 200;

/**
 * Long content texts stored once for the whole report: agents repeat the same system prompt, tool
 * definitions and context in every session, and the report would otherwise carry each copy.
 * Reference-counted, so a session's timeline can be dropped and its texts with it.
 */
export class TextPool {
  private readonly entries: Array<{ text: string; refs: number; size: number }> = [];
  private readonly index = new Map<string, number>();

  /** Characters the pieces would add to the report: the step minus pooled texts, plus texts not yet held. */
  cost(pieces: readonly ReportContent[]): number {
    let bytes = 0;
    for (const piece of pieces) {
      const text = piece.text;
      if (text === undefined || text.length < MIN_POOLED) continue;
      const size = JSON.stringify(text).length;
      bytes -= size - 8;
      const at = this.index.get(text);
      if (at === undefined || this.entries[at]!.refs === 0) bytes += size;
    }
    return bytes;
  }

  /** Moves the long texts of the pieces into the pool; returns the indexes referred to. */
  intern(pieces: ReportContent[]): number[] {
    const refs: number[] = [];
    for (const piece of pieces) {
      const text = piece.text;
      if (text === undefined || text.length < MIN_POOLED) continue;
      let at = this.index.get(text);
      if (at === undefined) {
        at = this.entries.length;
        this.entries.push({ text, refs: 0, size: JSON.stringify(text).length });
        this.index.set(text, at);
      }
      this.entries[at]!.refs += 1;
      delete piece.text;
      piece.ref = at;
      refs.push(at);
    }
    return refs;
  }

  /** Drops references; returns the characters freed (texts no longer referred to). */
  release(refs: readonly number[]): number {
    let freed = 0;
    for (const at of refs) {
      const entry = this.entries[at]!;
      entry.refs -= 1;
      if (entry.refs === 0) freed += entry.size;
    }
    return freed;
  }

  /** The texts still referred to, renumbering the given pieces' references to match. */
  compact(pieces: Iterable<ReportContent>): string[] {
    const renumbered = new Map<number, number>();
    const texts: string[] = [];
    for (const [at, entry] of this.entries.entries()) {
      if (entry.refs === 0) continue;
      renumbered.set(at, texts.length);
      texts.push(entry.text);
    }
    for (const piece of pieces) if (piece.ref !== undefined) piece.ref = renumbered.get(piece.ref)!;
    return texts;
  }
}
