import { describe, expect, it } from 'vitest';
import { messageTokens, messageTokensSliced } from '../../src/text/message-tokens.js';
import { forEachToken } from '../../src/text/tokens.js';
import { forEachGroupedNumber } from '../../src/text/grouped-numbers.js';
import { forEachCodeInParts } from '../../src/text/code-parts.js';

/** What a message vouched for when it was read in one go: every token, the digits of its numbers in groups, the keys of its codes in parts. */
function wholeRead(text: string): string[] {
  const found: string[] = [];
  forEachToken(text, (token) => found.push(token));
  forEachGroupedNumber(text, (digits) => found.push(digits));
  forEachCodeInParts(text, (key) => found.push(key));
  return [...new Set(found)];
}

/** A long message with ids, emails, dotted names, numbers in groups and codes in parts, some of them across every slice boundary. */
function longMessage(): string {
  const parts: string[] = [];
  for (let index = 0, length = 0; length < 300_000; index += 1) {
    const part = `Order ord_${index} for mia.${index}@example.com, account ${4000 + (index % 900)} ${100 + (index % 800)}, ref 12.345.${String(index % 1000).padStart(3, '0')}; see #W${index * 7}, ticket INC ${2000 + (index % 30)} ${index}.`;
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join(' ');
}

describe('message tokens', () => {
  it('are the distinct tokens and grouped numbers a whole read finds, in slices or not', async () => {
    const text = longMessage();
    const expected = wholeRead(text).sort();
    expect(messageTokens(text, 1_000_000).tokens.sort()).toEqual(expected);
    // A slice of no time at all yields after every 32K characters: still the same tokens, none cut at a boundary.
    const sliced = messageTokensSliced(text, 1_000_000, 0);
    expect(sliced).toBeInstanceOf(Promise);
    const read = await sliced;
    expect(read.tokens.sort()).toEqual(expected);
    expect(read.dropped).toBe(0);
  });

  it('reads a number in groups, a code in parts and a token that straddle a slice boundary whole', async () => {
    for (const shift of [-6, -4, -2, -1, 0, 1, 3]) {
      const text = `${'x '.repeat((32_768 + shift) >> 1)}ORD 2024 000123, 4421 486 tail ord_${'9'.repeat(40)}`;
      const read = await messageTokensSliced(text, 1_000, 0);
      expect(read.tokens, `shift ${shift}`).toEqual(expect.arrayContaining(['4421486', `ord_${'9'.repeat(40)}`, 'ord2024000123']));
      expect(read.tokens.sort()).toEqual(wholeRead(text).sort());
    }
  });

  it('keeps at most the cap of distinct tokens, counting what it left out; repeats cost nothing', () => {
    const ids = Array.from({ length: 1_500 }, (_, index) => `ord_${index}`);
    const read = messageTokens(`${ids.join(' ')} ${ids.join(' ')}`, 1_000);
    expect(read.tokens).toEqual(ids.slice(0, 1_000));
    expect(read.dropped).toBe(1_000);
    expect(messageTokens('hello '.repeat(50_000), 10).tokens).toEqual(['hello']);
  });

  it('a short message is read at once', () => {
    expect(messageTokensSliced('Where is order ord_1001?', 100, 5)).toEqual({ tokens: ['where', 'is', 'order', 'ord_1001'], dropped: 0 });
  });
});
