import { describe, expect, it } from 'vitest';
import { NumberColumn } from '../src/number-column.js';

describe('number columns', () => {
  it('keeps every value exactly, whole numbers in 4 bytes and any other beside them', () => {
    const values = [0, 1, 42, 0xffff_fffe, 0xffff_ffff, 2 ** 32, 2 ** 53 - 1, 0.5, 1e-9, -1, -0, NaN, Infinity, 1.7e12];
    const column = new NumberColumn('uint32');
    // Spread over blocks, some never touched but by zeros.
    const at = (index: number) => index * 70_001;
    for (const [index, value] of values.entries()) column.set(at(index), value);
    for (const [index, value] of values.entries()) expect(Object.is(column.get(at(index)), value)).toBe(true);
    expect(column.get(at(values.length) + 3)).toBe(0);
    // Set again: the last value counts, in the block or beside it.
    column.set(at(7), 3);
    column.set(at(1), 0.25);
    column.set(at(11), 0);
    expect([column.get(at(7)), column.get(at(1)), column.get(at(11))]).toEqual([3, 0.25, 0]);
  });

  it('keeps fractions and large numbers in a float64 column', () => {
    const column = new NumberColumn('float64');
    for (const [index, value] of [0.1, 1.7e12, -5, NaN].entries()) column.set(index, value);
    expect([0, 1, 2, 3].map((index) => column.get(index))).toEqual([0.1, 1.7e12, -5, NaN]);
  });
});
