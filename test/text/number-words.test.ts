import { describe, expect, it } from 'vitest';
import { addNumberWords, numberReplaced, NUMBER_LANES } from '../../src/text/number-words.js';
import { formSimilarity, textForm } from '../../src/text/similarity.js';

function numbers(text: string): number[] {
  const lanes = new Array<number>(NUMBER_LANES);
  addNumberWords(text, lanes, 0);
  return lanes;
}
const replaced = (a: string, b: string) => numberReplaced(numbers(a), 0, numbers(b), 0);

describe('numbers named in free text', () => {
  it('reads a number by its letters and digits: punctuation around or inside it changes nothing', () => {
    expect(replaced('order #w1234567.', 'order w1234567')).toBe(false);
    expect(replaced('refund $1,234.50 now', 'refund 1234.50 now')).toBe(false);
  });

  it('tells a replaced number from an added or dropped one', () => {
    expect(replaced('order w1234567', 'order w7654321')).toBe(true);
    expect(replaced('page 2', 'page 3')).toBe(true);
    expect(replaced('the three largest', 'the 3 largest')).toBe(false);
    expect(replaced('order w1 and w2', 'order w1')).toBe(false);
    expect(replaced('no numbers here', 'none here either')).toBe(false);
  });

  it('leaves out a retry\'s counter, after its word or as an ordinal before it, and nothing else', () => {
    expect(replaced('search sso setup (attempt 2)', 'search sso setup (attempt 3)')).toBe(false);
    expect(replaced('retry #2: fetch the report', 'retry #3: fetch the report')).toBe(false);
    expect(replaced('attempt 2/5 send digest', 'attempt 3/5 send digest')).toBe(false);
    expect(replaced('2nd attempt at the export', '3rd attempt at the export')).toBe(false);
    expect(replaced('versuch 2: bericht laden', 'versuch 3: bericht laden')).toBe(false);
    // A number before a counter word that is no ordinal is what the request is about; so is one after any other word.
    expect(replaced('refund order 1234 attempt 2', 'refund order 1235 attempt 2')).toBe(true);
    expect(replaced('order 1234 attempt', 'order 1235 attempt')).toBe(true);
    expect(replaced('attempt 2 for order w1234567', 'attempt 3 for order w7654321')).toBe(true);
    expect(replaced('page 2', 'page 3')).toBe(true);
    // A counter word with digits of its own is no counter word.
    expect(replaced('try2 7', 'try2 8')).toBe(true);
  });

  it('makes texts that replace a number dissimilar, short or long, and leaves others as they were', () => {
    const long = (id: string) => `please send the usual apology to the customer about order ${id} and confirm that the replacement has shipped by express courier today`;
    expect(formSimilarity(textForm(long('w1234567')), textForm(long('w7654321')))).toBe(0);
    expect(formSimilarity(textForm(long('w1234567')), textForm(long('w1234567')))).toBe(1);
    expect(formSimilarity(textForm(long('w1234567')), textForm(`${long('w1234567')} thanks`))).toBeGreaterThan(0.8);
    // A long text compared with a short one: the short is sketched, numbers included.
    expect(formSimilarity(textForm('order w1234567 please'), textForm(long('w7654321')))).toBe(0);
  });
});
