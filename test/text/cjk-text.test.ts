/**
 * CJK text writes ids against its letters and types them full-width: every reader of ids (messages,
 * results, argument values, id shapes, declared patterns, numbers in groups) cuts and folds them alike.
 */
import { describe, expect, it } from 'vitest';
import { foldFullWidth, hasFullWidth } from '../../src/text/cjk-text.js';
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

describe('ids written against CJK text, or full-width', () => {
  it.each([
    ['注文番号：W2378156です', ['注文番号', 'w2378156', 'です']],
    ['订单号W2378156还没到', ['订单号', 'w2378156', '还没到']],
    ['주문번호W2378156', ['주문번호', 'w2378156']],
    ['ord_1001の件', ['ord_1001', 'の件']],
    ['Ｗ２３７８１５６', ['w2378156']],
    ['ｏｒｄ＿１００１', ['ord_1001']],
    ['＃Ｗ２３７８１５６．', ['w2378156']],
    ['オーダーW1ー', ['オーダー', 'w1', 'ー']],
    ['ｶﾞｲﾄﾞW1', ['ガイド', 'w1']],
    ['注音ㄓㄨˋW1', ['注音ㄓㄨˋ', 'w1']],
    ['mia@example.comへ', ['mia@example.com', 'mia', 'example', 'com', 'へ']],
  ])('%s is read as %j', (text, tokens) => {
    expect(tokensOf(text)).toEqual(tokens);
  });

  it('leaves text with no CJK letter or full-width form as it read it: one token per run', () => {
    for (const text of ['ord_1001', 'заказ_1001', 'оrd_1001', 'Straße_7', 'café-42', 'mia@example.com']) expect(tokensOf(text)[0], text).toBe(text.toLowerCase());
  });

  it('keeps a run of CJK letters whole: a name is one token, as an id value and in text', () => {
    expect(tokensOf('お名前：山田太郎。')).toEqual(['お名前', '山田太郎']);
    expect(idTokens('山田太郎')).toEqual(['山田太郎']);
    expect(idValueTokens('山田太郎')).toEqual({ tokens: ['山田太郎'], wildcard: false });
  });

  it('reads an id value as text is read: one token when it is one, its pieces when CJK letters stand against it', () => {
    expect(idTokens('W2378156')).toEqual(['w2378156']);
    expect(idTokens('Ｗ２３７８１５６')).toEqual(['w2378156']);
    expect(idTokens('注文W2378156')).toEqual(['注文', 'w2378156']);
    expect(idValueTokens('注文W2378156').tokens).toEqual(['注文', 'w2378156']);
    // A full-width value still reads as an id behind look-alike characters (hidden-ids), by its ASCII token.
    expect(idValueTokens('Ｗ２３７８１５６')).toEqual({ tokens: ['w2378156'], wildcard: false, obfuscated: 'confusable' });
  });

  it('a user message vouches for the id in it, and a tool result likewise, as an object and as JSON text', () => {
    expect(messageTokens('ご注文番号はＷ２３７８１５６です', 100).tokens).toEqual(['ご注文番号は', 'w2378156', 'です']);
    const options = { watchedKeys: new Set<string>(), maxDepth: 64, maxTokens: 10_000 };
    const result = { note: '注文W2378156を発送しました', 'ｒｅｆ': 'ｏｒｄ＿１００１' };
    for (const content of [result, JSON.stringify(result)]) {
      expect(scanContent(content, options).tokenList).toEqual(expect.arrayContaining(['w2378156', '注文', 'を発送しました', 'ref', 'ord_1001']));
    }
  });

  it('reads a number in groups against CJK text', () => {
    const found: string[] = [];
    forEachGroupedNumber('注文番号123-456-789がまだ, x123-456-789', (digits) => found.push(digits));
    expect(found).toEqual(['123456789']);
  });

  it('finds an id of a learned shape, and of a declared pattern, against CJK text and full-width', () => {
    const shapes = new IdShapeSet();
    shapes.learnFrom('ord_1001', 'test');
    shapes.addPattern('^W[0-9]{7}$', 'schema:get_order.order_id');
    const text = 'ご注文ord_555とＷ２３７８１５６は発送済み、xord_9とAW1234567は違います';
    expect(shapes.find(text).map((match) => match.token)).toEqual(['ord_555', 'W2378156']);
    const finder = new LinearTokenFinder('W[0-9]{7}', 'W[0-9]{7}', '[\\p{L}\\p{N}_]', '[^\\p{L}\\p{N}_]');
    expect(finder.find('注文W2378156です AW1234567 W7654321x').map((match) => match.token)).toEqual(['W2378156']);
    // A long text is searched in chunks that start at an edge: a CJK letter is one.
    const long = `${'注文'.repeat(6_000)}W2378156${'です'.repeat(6_000)}`;
    expect(finder.find(long)).toEqual([{ token: 'W2378156', index: 12_000 }]);
  });

  it('folds full-width ASCII one code unit for one, and nothing else', () => {
    expect(foldFullWidth('Ｗ２３７８１５６：注文')).toBe('W2378156:注文');
    expect(foldFullWidth('ｏｒｄ＿１００１！～')).toBe('ord_1001!~');
    expect(foldFullWidth('plain ascii')).toBe('plain ascii');
    expect(hasFullWidth('注文番号')).toBe(false);
    expect(hasFullWidth('注文Ｗ')).toBe(true);
  });
});
