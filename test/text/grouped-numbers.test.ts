import { describe, expect, it } from 'vitest';
import { forEachGroupedNumber, groupedDigits, joinedGroupedTokens } from '../../src/text/grouped-numbers.js';

const grouped = (text: string) => {
  const found: string[] = [];
  forEachGroupedNumber(text, (digits) => found.push(digits));
  return found;
};

describe('grouped numbers', () => {
  it('joins the digits of numbers written in groups', () => {
    expect(grouped('order 123-456-789, account 4421 486, ref 12.345.678.')).toEqual(['123456789', '4421486', '12345678']);
    expect(grouped('call (555) 123-4567 or 555.123.4567')).toEqual(['1234567', '5551234567']);
  });

  it('leaves alone short numbers, numbers inside words and plain numbers', () => {
    expect(grouped('PIN 12 34, version 1.2.3, 3 - 4 = -1, total 1234567')).toEqual([]);
    expect(grouped('ord_123-456-789 and 123-456-789-abc')).toEqual([]);
  });

  it('reads text with no digits around a separator without the expression, and finds a number at its very end', () => {
    expect(grouped('x'.repeat(100_000))).toEqual([]);
    expect(grouped(`${'word '.repeat(20_000)}ref 4421 486`)).toEqual(['4421486']);
  });

  it('reads a long run of digits and separators in linear time', () => {
    const hostile = `${'1-'.repeat(200_000)}x ${'9'.repeat(200_000)}x`;
    expect(grouped(hostile)).toEqual([]);
  });

  it('tells the digits of an id that is a number in groups, and nothing for any other id', () => {
    expect(groupedDigits('123-456-789')).toBe('123456789');
    expect(groupedDigits('4421 486')).toBe('4421486');
    for (const id of ['123456789', '12-34', 'ord_123-456', '123-456-abc', '-123-456', `${'1-'.repeat(40)}1`]) expect(groupedDigits(id), id).toBeUndefined();
  });

  it('joins the tokens of content that are numbers in groups, except those echoed and their digits', () => {
    const tokens = ['ord_1', '123-456-789', '555.123.4567', '2024-05-20', '19.99', '12-34', 'a-123-456', '987-654-321'];
    expect(joinedGroupedTokens(tokens)).toEqual(['123456789', '5551234567', '987654321']);
    // What the call itself sent, written in groups or joined, is not vouched for by its result.
    expect(joinedGroupedTokens(tokens, new Set(['123-456-789', '5551234567']))).toEqual(['987654321']);
  });

  it('joins no date, decimal, version, build number or IP address: their digits together name nothing', () => {
    const notIds = ['2024-05-20', '20.05.2024', '05-20-2024', '2024 05 20', '2024.05.20.1137', '2024-05-20-0930', '1234.56', '3.14159', '10.20.30.40', '192.168.100.200', '10.0.19045.2006', '1.2.345678'];
    for (const text of notIds) {
      expect(grouped(`value ${text} here`), text).toEqual([]);
      expect(groupedDigits(text), text).toBeUndefined();
    }
    expect(joinedGroupedTokens(notIds)).toEqual([]);
    // Ids in groups beside them still join: thousands, a phone number's groups, a French number, a long id.
    expect(grouped('ref 1.234.567, call 555.123.4567 or 01.23.45.67.89, order 2024-5678-90')).toEqual(['1234567', '5551234567', '0123456789', '2024567890']);
  });
});
