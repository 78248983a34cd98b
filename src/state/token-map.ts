import { TokenTable, tokenHash } from '../text/token-table.js';

/**
 * Past this many entries a TokenMap moves from a Map to a TokenTable. Small, a Map costs a third of a
 * table's memory (a typical session's ledger holds a few dozen ids); large, it costs about 300 ns per
 * insert (it grows by rehashing every key), where the table takes the hash the caller already has.
 */
const TABLE_FROM = 256;

/**
 * Tokens (normalized ids) to values, for the ledger's generations: insert, look up, delete. `hash` is
 * `tokenHash(token)` throughout (a seeded hash, so hostile tokens cannot be made to collide).
 */
export class TokenMap<V> {
  private small: Map<string, V> | undefined = new Map();
  private table: TokenTable | undefined;
  /** Per table entry; `undefined` once deleted (a table never removes an entry). */
  private values: Array<V | undefined> | undefined;
  private live = 0;

  get size(): number {
    return this.live;
  }

  get(token: string, hash: number): V | undefined {
    if (this.small !== undefined) return this.small.get(token);
    const at = this.table!.indexOf(token, hash);
    return at >= 0 ? this.values![at] : undefined;
  }

  /** Adds `token`, which must not be in the map (the ledger looks first). */
  add(token: string, hash: number, value: V): void {
    this.live += 1;
    if (this.small !== undefined) {
      this.small.set(token, value);
      if (this.small.size >= TABLE_FROM) this.toTable();
      return;
    }
    // A deleted entry stays in the table: a token added again takes it back.
    const at = this.table!.indexOf(token, hash);
    if (at >= 0) this.values![at] = value;
    else {
      this.table!.add(token, hash);
      this.values!.push(value);
    }
  }

  delete(token: string, hash: number): void {
    if (this.small !== undefined) {
      if (this.small.delete(token)) this.live -= 1;
      return;
    }
    const at = this.table!.indexOf(token, hash);
    if (at >= 0 && this.values![at] !== undefined) {
      this.values![at] = undefined;
      this.live -= 1;
    }
  }

  private toTable(): void {
    const table = new TokenTable();
    const values: V[] = [];
    for (const [token, value] of this.small!) {
      table.add(token, tokenHash(token));
      values.push(value);
    }
    this.table = table;
    this.values = values;
    this.small = undefined;
  }
}
