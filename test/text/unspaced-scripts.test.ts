/**
 * Thai, Lao, Khmer and Myanmar are written without spaces, ids included, as CJK is; combining marks (a
 * decomposed accent, a vowel sign) belong to the letter before them. Every reader of ids (messages,
 * results, argument values, id shapes, declared patterns, numbers in groups) cuts and joins them alike.
 */
import { describe, expect, it } from 'vitest';
import { forEachToken, idTokens } from '../../src/text/tokens.js';
import { idValueTokens } from '../../src/text/id-tokens.js';
import { messageTokens } from '../../src/text/message-tokens.js';
import { scanContent } from '../../src/text/content-scan.js';
import { forEachGroupedNumber } from '../../src/text/grouped-numbers.js';
import { IdShapeSet } from '../../src/text/id-shapes.js';
import { LinearTokenFinder } from '../../src/text/linear-regex.js';

function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  forEachToken(text, (token) => tokens.push(token));
  return tokens;
}

const OPTIONS = { watchedKeys: new Set<string>(), maxDepth: 64, maxTokens: 10_000 };

/** Every path that reads a text's tokens: text, an id value, a message, a result as an object and as JSON text. */
function everyPath(text: string): string[][] {
  return [tokensOf(text), idTokens(text), idValueTokens(text).tokens, messageTokens(text, 100).tokens, scanContent({ note: text }, OPTIONS).tokenList.slice(1), scanContent(JSON.stringify({ note: text }), OPTIONS).tokenList.slice(1)];
}

describe('ids against text written without spaces', () => {
  it.each([
    ['หมายเลขคำสั่งซื้อW2378156', 'w2378156'],
    ['คำสั่งซื้อW2378156ยังไม่มาถึง', 'w2378156'],
    ['ເລກທີ່ສັ່ງຊື້W2378156', 'w2378156'],
    ['លេខបញ្ជាទិញW2378156', 'w2378156'],
    ['မှာယူမှုနံပါတ်W2378156', 'w2378156'],
    ['ord_1001ที่', 'ord_1001'],
  ])('%s holds %s on every path', (text, id) => {
    for (const tokens of everyPath(text)) {
      expect(tokens).toContain(id);
      // The script's letters, with their vowel signs and tone marks, are one token of their own.
      expect(tokens).toHaveLength(text.startsWith('คำสั่งซื้อW') ? 3 : 2);
    }
  });

  it('a Thai word is one token, marks and all, as an id value and in text', () => {
    expect(tokensOf('ชื่อ: สมศักดิ์')).toEqual(['ชื่อ', 'สมศักดิ์']);
    expect(idTokens('สมศักดิ์')).toEqual(['สมศักดิ์']);
  });

  it('reads a number in groups and an id of a learned shape or a declared pattern against Thai text', () => {
    const found: string[] = [];
    forEachGroupedNumber('เลขที่123-456-789ค่ะ, x123-456-789', (digits) => found.push(digits));
    expect(found).toEqual(['123456789']);
    const shapes = new IdShapeSet();
    shapes.learnFrom('ord_1001', 'test');
    shapes.addPattern('^W[0-9]{7}$', 'schema:get_order.order_id');
    expect(shapes.find('คำสั่งซื้อord_555และW2378156ส่งแล้ว, xord_9 AW1234567').map((match) => match.token)).toEqual(['ord_555', 'W2378156']);
    const finder = new LinearTokenFinder('W[0-9]{7}', 'W[0-9]{7}', '[\\p{L}\\p{N}_]', '[^\\p{L}\\p{N}_]');
    expect(finder.find('ລະຫັດW2378156ແລ້ວ AW1234567').map((match) => match.token)).toEqual(['W2378156']);
  });
});

describe('words with combining marks', () => {
  it('a decomposed accent or a vowel sign does not split its word, on every path', () => {
    for (const [text, word] of [
      ['Nu\u0301mero W2378156', 'número'],
      ['Bestellnu\u0308mmer W2378156', 'bestellnümmer'],
      ['संख्या W2378156', 'संख्या'],
    ] as const) {
      for (const tokens of everyPath(text)) expect(tokens, text).toEqual([word, 'w2378156']);
    }
  });

  it('a mark glues an id to the word before it as a letter would, and a mark after a space glues nothing', () => {
    // As "orderW2378156" is one token, so is an id written against a word ending in a mark.
    expect(tokensOf('orderW2378156')).toEqual(['orderw2378156']);
    expect(tokensOf('cafe\u0301W2378156')).toEqual(['caféw2378156']);
    for (const tokens of everyPath(' \u0301W2378156')) expect(tokens).toEqual(['w2378156']);
    const shapes = new IdShapeSet();
    shapes.learnFrom('ord_1001', 'test');
    expect(shapes.find('ord_555 cafe\u0301ord_556 \u0301ord_557').map((match) => match.token)).toEqual(['ord_555', 'ord_557']);
  });
});
