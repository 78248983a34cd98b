import { NumberColumn } from './number-column.js';

/** Bytes a block holds: an id never spans two (a longer one gets a block of its own). */
const BLOCK_BYTES = 1 << 20;
/** A string with a code unit above 0xff is kept as UTF-16; any other as one byte a character. */
const WIDE = /[^\u0000-\u00ff]/;

/**
 * A list of strings that only grows, kept outside V8's heap: a million session ids kept as strings
 * are tens of MB the collector walks on every full collection, and V8 lets its heap grow to a few
 * times what survives them; here they are bytes in 1 MiB buffers (one byte a character for Latin-1
 * ids, UTF-16 otherwise) and 8 bytes of place (a string ends where the next one in its block starts). Any string comes back exactly (lone surrogates too).
 */
export class PackedStrings {
  private readonly blocks: Buffer[] = [];
  /** Bytes used in each block. */
  private readonly ends: number[] = [];
  /** Each string's block times BLOCK_BYTES plus its offset, times 2, plus 1 when it is UTF-16. */
  private readonly places = new NumberColumn('float64');
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends a string; the number returned gives it back. */
  push(text: string): number {
    const wide = WIDE.test(text);
    const bytes = wide ? text.length * 2 : text.length;
    if (this.blocks.length === 0 || this.ends.at(-1)! + bytes > BLOCK_BYTES) {
      this.blocks.push(Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, bytes)));
      this.ends.push(0);
    }
    const block = this.blocks.length - 1;
    const used = this.ends[block]!;
    this.blocks[block]!.write(text, used, bytes, wide ? 'utf16le' : 'latin1');
    this.places.set(this.count, (block * BLOCK_BYTES + used) * 2 + (wide ? 1 : 0));
    this.ends[block] = used + bytes;
    return this.count++;
  }

  get(index: number): string {
    const { block, start, wide } = this.placeOf(index);
    const next = index + 1 < this.count ? this.placeOf(index + 1) : undefined;
    const end = next?.block === block ? next.start : this.ends[block]!;
    return this.blocks[block]!.toString(wide ? 'utf16le' : 'latin1', start, end);
  }

  private placeOf(index: number): { block: number; start: number; wide: boolean } {
    const place = this.places.get(index);
    const wide = place % 2 === 1;
    const at = (place - (wide ? 1 : 0)) / 2;
    const block = Math.floor(at / BLOCK_BYTES);
    return { block, start: at - block * BLOCK_BYTES, wide };
  }
}
