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

  it('joins a number written in thousands, as each language writes them', () => {
    const written = ['account 1,234,567', 'invoice 12.345.678', 'ref 1 234 567', 'ref 1\u00A0234\u00A0567', 'ref 1\u202F234\u202F567', 'ref 1\u2009234\u2009567', "Konto 1'234'567", 'Konto 1\u2019234\u2019567', 'loan 12,34,567', 'loan 1,23,45,678'];
    expect(written.map(grouped)).toEqual([['1234567'], ['12345678'], ['1234567'], ['1234567'], ['1234567'], ['1234567'], ['1234567'], ['1234567'], ['1234567'], ['12345678']]);
    for (const id of ['1,234,567', '1.234.567', '1 234 567', '1\u202F234\u202F567', "1'234'567", '12,34,567']) expect(groupedDigits(id), id).toBe('1234567');
  });

  it('joins no list, decimal, amount or short number written with commas or apostrophes', () => {
    // A list with spaces, or without ("12,34"), a decimal ("1,5"), groups of other sizes, an amount with cents.
    const notIds = ['1, 2, 3, 4, 5, 6', 'ids 12,34', '1,5', '3,14159', '12,345,67', '1234,567', '1,2345,678', '12.345.678,90', '1,234,567.89', '1 234 567,89', "1'234'56", '1,234\'567', '1,234 567'];
    for (const text of notIds) {
      expect(grouped(`total ${text} here`), text).toEqual([]);
      expect(groupedDigits(text), text).toBeUndefined();
    }
    // Nor a number's tail: the groups after "1," are the same number's, never one of their own.
    expect(grouped('1,234,567,8')).toEqual([]);
    // Beside them, the number written in thousands still joins.
    expect(grouped('items 1, 2, 3; account 1,234,567; rate 1,5')).toEqual(['1234567']);
  });

  it('reads a long run of digits and commas in linear time', () => {
    expect(grouped(`${'123,'.repeat(100_000)}x ${'1,'.repeat(200_000)}1`)).toEqual([]);
  });
});
