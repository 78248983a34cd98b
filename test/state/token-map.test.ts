import { describe, expect, it } from 'vitest';
import { TokenMap } from '../../src/state/token-map.js';
import { tokenHash } from '../../src/text/token-table.js';

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('TokenMap', () => {
  it('answers as a Map does through adds, deletes and adds again, small and past the switch to a table', () => {
    const next = random(7);
    const map = new TokenMap<number>();
    const reference = new Map<string, number>();
    for (let operation = 0; operation < 20_000; operation += 1) {
      // Tokens drawn from a range that grows, so the map passes its switch point with deletes on both sides of it.
      const token = `ord_${Math.floor(next() * (50 + operation / 10))}`;
      const hash = tokenHash(token);
      const roll = next();
      if (roll < 0.6) {
        if (!reference.has(token)) {
          map.add(token, hash, operation);
          reference.set(token, operation);
        }
      } else if (roll < 0.8) {
        map.delete(token, hash);
        reference.delete(token);
      }
      expect(map.get(token, hash)).toBe(reference.get(token));
      expect(map.size).toBe(reference.size);
    }
    expect(reference.size).toBeGreaterThan(1_000);
    for (const [token, value] of reference) expect(map.get(token, tokenHash(token))).toBe(value);
  });

  it('finds nothing for a token it never held, and tells tokens apart by their text, not only their hash', () => {
    const map = new TokenMap<string>();
    for (let index = 0; index < 1_000; index += 1) map.add(`cust_${index}`, tokenHash(`cust_${index}`), `v${index}`);
    expect(map.get('cust_1000', tokenHash('cust_1000'))).toBeUndefined();
    // The same hash with other text (a caller's wrong hash, or a collision) is not a hit.
    expect(map.get('cust_x', tokenHash('cust_1'))).toBeUndefined();
    expect(map.get('cust_1', tokenHash('cust_1'))).toBe('v1');
  });
});
