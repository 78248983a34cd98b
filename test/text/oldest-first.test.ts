import { describe, expect, it } from 'vitest';
import { takeOldest, takeOldestEntry } from '../../src/text/oldest-first.js';

/** The order a plain `keys().next()` eviction would take: the reference the kept iterator must agree with. */
function naiveTake<K>(index: Set<K>): K | undefined {
  const first = index.values().next();
  if (first.done) return undefined;
  index.delete(first.value);
  return first.value;
}

describe('takeOldest', () => {
  it('takes keys in the order they were added', () => {
    const index = new Set(['a', 'b', 'c']);
    expect([takeOldest(index), takeOldest(index), takeOldest(index), takeOldest(index)]).toEqual(['a', 'b', 'c', undefined]);
    expect(index.size).toBe(0);
  });

  it('skips keys deleted by others and takes a key deleted and added again last', () => {
    const index = new Set(['a', 'b', 'c', 'd']);
    expect(takeOldest(index)).toBe('a');
    index.delete('b');
    index.delete('c');
    index.add('c');
    expect([takeOldest(index), takeOldest(index)]).toEqual(['d', 'c']);
  });

  it('starts afresh once the index was emptied, cleared or refilled', () => {
    const index = new Set(['a']);
    expect(takeOldest(index)).toBe('a');
    expect(takeOldest(index)).toBeUndefined();
    index.add('b');
    index.add('c');
    expect(takeOldest(index)).toBe('b');
    index.clear();
    index.add('d');
    index.add('e');
    expect([takeOldest(index), takeOldest(index)]).toEqual(['d', 'e']);
  });

  it('agrees with a fresh iterator over a long run of adds, deletes, re-adds and evictions past a cap', () => {
    const kept = new Set<number>();
    const reference = new Set<number>();
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    for (let step = 0; step < 20_000; step += 1) {
      const key = Math.floor(random() * 600);
      const roll = random();
      for (const index of [kept, reference]) {
        if (roll < 0.6) index.add(key);
        else if (roll < 0.8) index.delete(key);
        else {
          index.delete(key);
          index.add(key);
        }
      }
      while (kept.size > 256) expect(takeOldest(kept)).toBe(naiveTake(reference));
      if (step % 5_000 === 4_999) {
        kept.clear();
        reference.clear();
      }
    }
    expect([...kept]).toEqual([...reference]);
  });

  it('keeps one cursor per index: two indexes evicting in turn do not disturb each other', () => {
    const first = new Set([1, 2, 3]);
    const second = new Set([10, 20, 30]);
    expect([takeOldest(first), takeOldest(second), takeOldest(first), takeOldest(second)]).toEqual([1, 10, 2, 20]);
  });
});

describe('takeOldestEntry', () => {
  it('takes the oldest entry of a map with its value', () => {
    const map = new Map([['a', 1], ['b', 2]]);
    map.set('a', 3);
    expect(takeOldestEntry(map)).toEqual(['a', 3]);
    expect(takeOldestEntry(map)).toEqual(['b', 2]);
    expect(takeOldestEntry(map)).toBeUndefined();
  });
});
