/** Entries a block holds: growing adds a block, never copies the column (which would hold it twice meanwhile). */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const MASK = BLOCK - 1;
/** A `uint32` entry holding this stands for a value kept in the overflow map. */
const ELSEWHERE = 0xffff_ffff;

/**
 * Numbers by index, in typed blocks allocated as indexes are reached: what a million finished
 * sessions keep, without an object each. `uint32` takes 4 bytes an entry and keeps any other
 * value (a fraction, a large or negative number, -0, NaN) exactly in a map beside; `float64` takes 8.
 * An index never set reads 0, and a block of 65,536 entries is only made when one of them is not 0.
 */
export class NumberColumn {
  private readonly blocks: Array<Uint32Array | Float64Array | undefined> = [];
  private readonly overflow = new Map<number, number>();

  constructor(private readonly kind: 'uint32' | 'float64') {}

  set(index: number, value: number): void {
    // A block is made for its first value other than 0: a column of zeros (no cost, no type) costs nothing.
    if (value === 0 && !Object.is(value, -0) && this.blocks[Math.floor(index / BLOCK)] === undefined) {
      if (this.overflow.size > 0) this.overflow.delete(index);
      return;
    }
    const block = (this.blocks[Math.floor(index / BLOCK)] ??= this.kind === 'uint32' ? new Uint32Array(BLOCK) : new Float64Array(BLOCK));
    if (this.kind === 'float64' || (value >= 0 && value < ELSEWHERE && Number.isInteger(value) && !Object.is(value, -0))) {
      block[index & MASK] = value;
      if (this.overflow.size > 0) this.overflow.delete(index);
    } else {
      block[index & MASK] = ELSEWHERE;
      this.overflow.set(index, value);
    }
  }

  get(index: number): number {
    const value = this.blocks[Math.floor(index / BLOCK)]?.[index & MASK] ?? 0;
    return this.kind === 'uint32' && value === ELSEWHERE ? this.overflow.get(index)! : value;
  }
}
