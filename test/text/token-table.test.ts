import { describe, expect, it, vi } from 'vitest';

describe('the token table of a content scan', () => {
  it('draws its hash seed at random per process, so tokens sharing a slot cannot be precomputed (hash flooding)', async () => {
    const first = await import('../../src/text/token-table.js');
    vi.resetModules();
    const second = await import('../../src/text/token-table.js');
    // A fresh module instance stands for a fresh process: the same token hashes differently (equal once in 2^32).
    expect(first.TOKEN_HASH_SEED).not.toBe(second.TOKEN_HASH_SEED);
    expect(first.tokenHash('ord_1001')).not.toBe(second.tokenHash('ord_1001'));
  });

  it('finds what it holds and nothing else, whatever the seed, through growth', async () => {
    const { TokenTable, tokenHash } = await import('../../src/text/token-table.js');
    const table = new TokenTable();
    const tokens = Array.from({ length: 5_000 }, (_, index) => `ord_${index}`);
    for (const token of tokens) table.add(token, tokenHash(token));
    expect(table.size).toBe(5_000);
    expect(tokens.every((token) => table.has(token, tokenHash(token)))).toBe(true);
    expect(table.has('ord_5000', tokenHash('ord_5000'))).toBe(false);
    // A span of a longer text, capitals read as lower case.
    expect(table.hasSpan('see ORD_42 now', 4, 10, tokenHash('ord_42'))).toBe(true);
    // The same span read from the text's code units.
    const units = Uint16Array.from('see ORD_42 now', (char) => char.charCodeAt(0));
    expect(table.hasUnits(units, 4, 10, tokenHash('ord_42'))).toBe(true);
    expect(table.hasUnits(units, 4, 9, tokenHash('ord_4'))).toBe(true);
    expect(table.hasUnits(units, 0, 3, tokenHash('see'))).toBe(false);
    expect(table.tokens.slice(0, 3)).toEqual(['ord_0', 'ord_1', 'ord_2']);
  });

  it('gives its arrays to the next table when released: that one starts empty, and the released one finds nothing', async () => {
    const { TokenTable, tokenHash } = await import('../../src/text/token-table.js');
    for (let round = 0; round < 20; round += 1) {
      const table = new TokenTable();
      expect(table.has('ord_1', tokenHash('ord_1'))).toBe(false);
      // A few tokens (the arrays stay of their first size, and are reused) or many (they grew, and are not).
      const count = round % 2 === 0 ? 5 : 200;
      for (let index = 0; index < count; index += 1) table.add(`ord_${index}`, tokenHash(`ord_${index}`));
      expect(table.has('ord_1', tokenHash('ord_1'))).toBe(true);
      table.release();
      expect(table.tokens).toHaveLength(count);
      expect(table.has('ord_1', tokenHash('ord_1'))).toBe(false);
      expect(() => table.add('ord_x', tokenHash('ord_x'))).toThrow(/after release/);
    }
  });
});
