import { describe, expect, it } from 'vitest';
import { codeVariants, forEachCodeInParts, forEachCodeInPartsBetween } from '../../src/text/code-parts.js';
import { MARK_CLASS, UNSPACED_CLASS } from '../../src/text/unspaced-scripts.js';

const keys = (text: string) => {
  const found: string[] = [];
  forEachCodeInParts(text, (key) => found.push(key));
  return found;
};

describe('codes in parts', () => {
  it('gives the key of a code written in parts, whatever separates them', () => {
    for (const written of ['ORD 2024 000123', 'ORD/2024/000123', 'ORD_2024_000123', 'ORD.2024.000123', 'ORD-2024-000123', 'ord_2024_000123', 'ORD2024-000123', '#ORD 2024 000123', 'ORD\u00A02024 000123'.replace('\u00A0', ' ')]) {
      expect(keys(`Your ticket is ${written}, thanks.`), written).toEqual(['ord2024000123']);
    }
    // Letters and one number apart by a space (`PO 4500012345`), against CJK or Thai text too.
    expect(keys('PO 4500012345 and 注文ORD 2024 000123です, คำสั่งซื้อORD/2024/000123')).toEqual(['po4500012345', 'ord2024000123', 'ord2024000123']);
  });

  it('gives no key for prose, a number past a sentence, a path, a longer token or a short number', () => {
    const notCodes = [
      'order 2024 has 000123 items', // a prose word is no code part
      'Order 2024 000123', // nor a capitalized one
      'The prefix is ORD. 2024 was busy; ticket 000123', // parts of different sentences
      'see /orders/2024/000123/edit', // a path's parts
      'tok_ORD_2024_000123, 9ORD 2024 000123 and ORD_2024_000123b', // the end or start of a longer token
      'A 12, B-1-2', // too few digits
      'W-2378156, INC_12345, w2378156', // letters and one number joined: read by codeVariants, not recorded
    ];
    for (const text of notCodes) expect(keys(text), text).toEqual([]);
  });

  it('reads a long run of parts in linear time', () => {
    expect(keys(`ORD${'-1'.repeat(200_000)}x ${'A 1 '.repeat(50_000)}`)).toEqual([]);
  });

  it('gives the writings trusted text may have recorded a call\'s code by', () => {
    expect(codeVariants('ord-2024-000123')).toEqual(['ord2024000123', 'ord_2024_000123', 'ord.2024.000123']);
    expect(codeVariants('ORD 2024 000123')).toEqual(['ord2024000123', 'ord-2024-000123', 'ord_2024_000123', 'ord.2024.000123']);
    expect(codeVariants('w2378156')).toEqual(['w-2378156', 'w_2378156', 'w.2378156']);
    expect(codeVariants('inc-12345')).toEqual(['inc12345', 'inc_12345', 'inc.12345']);
    for (const value of ['ord_1x', '2024-000123', 'order status', 'a-1', 'credit_card_1234', `A${'-1'.repeat(40)}`]) expect(codeVariants(value), value).toEqual([]);
  });

  it('finds what the plain rule finds, trying every character: on random texts, whole and in slices', () => {
    // The rule written plainly: the code expression tried at every character, the key kept when it is a code in parts.
    const notUnspaced = `(?![${UNSPACED_CLASS}])`;
    const plain = new RegExp(`(?<!${notUnspaced}[\\p{L}\\p{N}_.#-][${MARK_CLASS}]*)#?[A-Za-z]{1,8}[ /_.-]?\\d+(?:[ /_.-]\\d+)*(?!${notUnspaced}[\\p{L}${MARK_CLASS}\\p{N}_]|[/_.-]${notUnspaced}[\\p{L}\\p{N}])`, 'gu');
    const plainKeys = (text: string) => {
      const found: string[] = [];
      for (const match of text.matchAll(plain)) {
        const split = /[ /]/.test(match[0]);
        const code = match[0].replace(/^#/, '');
        const [, letters = '', numbers = ''] = /^([A-Za-z]+)(.*)$/.exec(code)!;
        const separators = numbers.replace(/\d/g, '');
        const digits = numbers.replace(/\D/g, '').length;
        const joinedRest = /^[ /_.-]?\d+[ /_.-]\d/.test(numbers);
        if (separators.length > 0 && digits >= 3 && (split ? letters === letters.toUpperCase() : joinedRest)) found.push(code.replace(/[ /_.-]/g, '').toLowerCase());
      }
      return found;
    };
    const pieces = ['ORD', 'ord', 'Ab', 'W', 'ABCDEFGHIJ', '#', ' ', ' ', '/', '_', '.', '-', '1', '20', '000123', '4421', 'x', '\n', 'ท', 'の', '\u0301', ', ', ' ORD 2024', ' inv_2024', ' INV/1', ' 000123', '_4421', '-20', '.1', '/000123'];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    let found = 0;
    for (let round = 0; round < 400; round += 1) {
      const text = Array.from({ length: 5 + Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      expect(keys(text), JSON.stringify(text)).toEqual(plainKeys(text));
      found += keys(text).length;
      const sliced: string[] = [];
      for (let at = 0; at < text.length; ) at = forEachCodeInPartsBetween(text, at, at + 7, (key) => sliced.push(key));
      expect(sliced, JSON.stringify(text)).toEqual(plainKeys(text));
    }
    // The texts hold codes in parts to find, not only places that are none.
    expect(found).toBeGreaterThan(100);
  });
});
