import { describe, expect, it } from 'vitest';
import { snapshotArguments } from '../../src/state/argument-snapshot.js';

const limits = { maxArgumentBytes: 10_000, maxDepth: 8, maxArgumentNodes: 100 };

describe('argument snapshot', () => {
  it('tells a typed array too long by its length, not by listing its keys; a short one is copied as JSON writes it', () => {
    expect(snapshotArguments({ data: new Uint8Array(5_000_000) }, limits).problem).toMatchObject({ reason: 'too_many_values', detail: expect.stringContaining('a typed array of 5000000 items') });
    expect(snapshotArguments({ data: new Uint8Array([7, 8]) }, limits).value).toEqual({ data: { 0: 7, 1: 8 } });
  });

  it('copies into deep-frozen plain data, with JSON semantics', () => {
    const shot = snapshotArguments({ a: [1, { b: 'x' }], f: () => 1, u: undefined, d: new Date(0), n: 10n }, limits);
    expect(shot.value).toEqual({ a: [1, { b: 'x' }], d: '1970-01-01T00:00:00.000Z', n: '10' });
    expect(Object.isFrozen(shot.value)).toBe(true);
    expect(Object.isFrozen((shot.value as { a: unknown[] }).a[1])).toBe(true);
  });

  it('keeps the text as given for recording, and parses it for checking', () => {
    expect(snapshotArguments('{"a":1}', limits)).toEqual({ value: { a: 1 }, recorded: '{"a":1}' });
    expect(snapshotArguments('{"a":', limits)).toEqual({ recorded: '{"a":' });
  });

  it.each([
    ['too_many_values', { a: new Array(200).fill(0) }],
    ['too_large', { a: 'x'.repeat(20_000) }],
    ['too_deep', JSON.parse(`${'{"a":'.repeat(20)}1${'}'.repeat(20)}`)],
  ])('names the limit a value breaks (%s)', (reason, value) => {
    expect(snapshotArguments(value, limits).problem).toMatchObject({ reason });
  });
});
