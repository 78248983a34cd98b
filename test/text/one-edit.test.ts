import { describe, expect, it } from 'vitest';
import { isOneEditApart } from '../../src/text/one-edit.js';

describe('one edit apart', () => {
  it('is true for a letter added, dropped or replaced, or two neighbours swapped, anywhere in the word', () => {
    expect(isOneEditApart('iunstructions', 'instructions')).toBe(true);
    expect(isOneEditApart('instructions', 'innstructions')).toBe(true);
    expect(isOneEditApart('instrctions', 'instructions')).toBe(true);
    expect(isOneEditApart('instructionz', 'instructions')).toBe(true);
    expect(isOneEditApart('nistructions', 'instructions')).toBe(true);
    expect(isOneEditApart('instructiosn', 'instructions')).toBe(true);
    expect(isOneEditApart('xinstructions', 'instructions')).toBe(true);
    expect(isOneEditApart('ab', 'ba')).toBe(true);
  });

  it('is false for the same word, two edits, or swaps that are not neighbours', () => {
    expect(isOneEditApart('instructions', 'instructions')).toBe(false);
    expect(isOneEditApart('instructors', 'instructions')).toBe(false);
    expect(isOneEditApart('constructions', 'instructions')).toBe(false);
    expect(isOneEditApart('isntrcutions', 'instructions')).toBe(false);
    expect(isOneEditApart('snitructions', 'instructions')).toBe(false);
    expect(isOneEditApart('instructions', 'instructionsxy')).toBe(false);
    expect(isOneEditApart('', 'ab')).toBe(false);
  });
});
