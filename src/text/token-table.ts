/**
 * The distinct tokens of one content scan, indexed by a hash the tokenizer computes while it reads
 * them: a token met again (most of a large result's words) is found in place, without slicing it out
 * of its chunk or hashing it a second time. Grows by doubling, so a small result pays for a small table.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Where the table's hash of a token starts (the tokenizer inlines the steps of `tokenHash`): FNV's offset
 * mixed with a random number drawn once per process. Tokens come from results an attacker may write, and
 * with a fixed start one could precompute thousands of tokens that share a slot and make every lookup
 * walk them all (hash flooding); V8 seeds its own string hashes for the same reason.
 */
export const TOKEN_HASH_SEED = (FNV_OFFSET ^ globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!) >>> 0;

/** The table's hash of a whole token. */
export function tokenHash(token: string): number {
  let hash = TOKEN_HASH_SEED;
  for (let index = 0; index < token.length; index += 1) hash = Math.imul(hash ^ token.charCodeAt(index), FNV_PRIME);
  return hash;
}

/** The table's hash of the token `text[start, end)` lower-cased (ASCII letters only, as the tokenizer lower-cases them): `tokenHash` of it, without slicing it out. */
export function spanHash(text: string, start: number, end: number): number {
  let hash = TOKEN_HASH_SEED;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    hash = Math.imul(hash ^ (code >= 65 && code <= 90 ? code + 32 : code), FNV_PRIME);
  }
  return hash;
}

const FIRST_SLOTS = 64;
const FIRST_HASHES = 32;
/**
 * Typed arrays of the first size, given back by tables done with them (`release`): most results are
 * small, and allocating two typed arrays cost more than the rest of a small table's life.
 */
const spare: Array<{ slots: Int32Array; hashes: Int32Array }> = [];
const MAX_SPARE = 8;

export class TokenTable {
  /** Entry index + 1 per slot, 0 for an empty slot (open addressing, linear probing). */
  private slots: Int32Array;
  private mask = FIRST_SLOTS - 1;
  /** Each entry's hash (typed: 32-bit hashes would not all fit V8's small integers). */
  private hashes: Int32Array;
  private readonly entries: string[] = [];

  constructor() {
    const reused = spare.pop();
    this.slots = reused?.slots ?? new Int32Array(FIRST_SLOTS);
    this.hashes = reused?.hashes ?? new Int32Array(FIRST_HASHES);
  }

  /**
   * Gives the table's arrays back for the next table, when they are still of the first size (cleared:
   * a spare table is empty). The table answers nothing after this; its tokens stay readable.
   */
  release(): void {
    if (this.slots.length === FIRST_SLOTS && this.hashes.length === FIRST_HASHES && spare.length < MAX_SPARE) {
      this.slots.fill(0);
      spare.push({ slots: this.slots, hashes: this.hashes });
    }
    this.slots = RELEASED;
    this.mask = 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The tokens, in the order they were added. */
  get tokens(): readonly string[] {
    return this.entries;
  }

  /**
   * Whether the token `text[start, end)`, ASCII capitals read as lower case (with `hash`, as `tokenHash`
   * computes it for the lower-cased token), is in the table. Kept tokens are lower case.
   */
  hasSpan(text: string, start: number, end: number, hash: number): boolean {
    const length = end - start;
    for (let slot = spread(hash) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return false;
      if (this.hashes[entry - 1] !== hash) continue;
      const token = this.entries[entry - 1]!;
      if (token.length !== length) continue;
      let index = 0;
      for (; index < length; index += 1) {
        const code = text.charCodeAt(start + index);
        if (token.charCodeAt(index) !== (code >= 65 && code <= 90 ? code + 32 : code)) break;
      }
      if (index === length) return true;
    }
  }

  /**
   * `hasSpan` for the token at `units[start, end)` (a text's code units, as the lexer of large JSON text
   * reads them). A copy of its loop: one reading both a string and a typed array would be slower than either.
   */
  hasUnits(units: Uint16Array, start: number, end: number, hash: number): boolean {
    const length = end - start;
    for (let slot = spread(hash) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return false;
      if (this.hashes[entry - 1] !== hash) continue;
      const token = this.entries[entry - 1]!;
      if (token.length !== length) continue;
      let index = 0;
      for (; index < length; index += 1) {
        const code = units[start + index]!;
        if (token.charCodeAt(index) !== (code >= 65 && code <= 90 ? code + 32 : code)) break;
      }
      if (index === length) return true;
    }
  }

  has(token: string, hash: number): boolean {
    return this.hasSpan(token, 0, token.length, hash);
  }

  /** The entry index of `token` (compared as it is, with `hash` = `tokenHash(token)`), or -1: for a map kept beside the table. */
  indexOf(token: string, hash: number): number {
    const length = token.length;
    for (let slot = spread(hash) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.hashes[entry - 1] !== hash) continue;
      const known = this.entries[entry - 1]!;
      if (known.length === length && known === token) return entry - 1;
    }
  }

  /** Adds a token known not to be in the table. */
  add(token: string, hash: number): void {
    if (this.slots === RELEASED) throw new Error('token table: added to after release');
    if (this.entries.length === this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[this.entries.length] = hash;
    this.entries.push(token);
    if (this.entries.length * 2 > this.slots.length) this.grow();
    else this.place(this.entries.length, hash);
  }

  private place(entry: number, hash: number): void {
    let slot = spread(hash) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = entry;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let index = 0; index < this.entries.length; index += 1) this.place(index + 1, this.hashes[index]!);
  }
}

/** A released table's slots: one, empty, so a lookup finds nothing (and `add` refuses). */
const RELEASED = new Int32Array(1);

/** FNV's low bits are weak for short keys: mixed before they pick a slot. */
function spread(hash: number): number {
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return mixed ^ (mixed >>> 13);
}
