import { describe, expect, it } from 'vitest';
import { checkLinear, compileLinear, firstMatch, LinearTokenFinder, linearRegExpEngine, ScanBudgetError, UnsupportedPatternError } from '../../src/text/linear-regex.js';

const finder = (body: string) => new LinearTokenFinder(body, body, '[\\p{L}\\p{N}_]', '[^\\p{L}\\p{N}_]');

describe('linear-time regex', () => {
  it('translates JavaScript syntax (\\u escapes, named groups) and runs it', () => {
    expect(compileLinear('^\\u0041(?<digits>\\d+)$').test('A123')).toBe(true);
    expect(compileLinear('^ab$', { ignoreCase: true }).test('AB')).toBe(true);
  });

  it('refuses backreferences and lookahead with the reason, and accepts lookbehind', () => {
    expect(checkLinear('(a)\\1')).toMatchObject({ reason: 'backreference' });
    expect(checkLinear('a(?=b)')).toMatchObject({ reason: 'lookaround' });
    expect(checkLinear('(?<=a)b')).toBeUndefined();
    expect(() => compileLinear('x'.repeat(5_000))).toThrow(UnsupportedPatternError);
  });

  it('gives ajv a distinct key per pattern', () => {
    expect(String(linearRegExpEngine('^a$', 'u'))).not.toBe(String(linearRegExpEngine('^b$', 'u')));
    expect(linearRegExpEngine('^a+$', 'u').test('aaa')).toBe(true);
  });

  it('finds whole tokens only, adjacent ones included', () => {
    expect(finder('ord_\\d+').find('xord_1 ord_2,ord_3 ord_4x (ord_5)').map((match) => match.token)).toEqual(['ord_2', 'ord_3', 'ord_5']);
    expect(finder('\\d{6}').find('123456').map((match) => match.token)).toEqual(['123456']);
  });

  it('finds matches across chunk edges once each, with their true index, and none inside a long word', () => {
    const text = `${'word '.repeat(1_700)}ord_77 ${'x'.repeat(9_000)}ord_88 ${'y '.repeat(3_000)}ord_99`;
    const found = finder('ord_\\d+').find(text);
    expect(found.map((match) => match.token)).toEqual(['ord_77', 'ord_99']);
    for (const match of found) expect(text.slice(match.index, match.index + match.token.length)).toBe(match.token);
  });

  it('fails closed when the scan budget runs out', () => {
    expect(() => finder('ord_\\d+').find('ord_1 '.repeat(2_000), { chars: 1_000 })).toThrow(ScanBudgetError);
  });

  it('firstMatch locates a match deep in a long text', () => {
    const text = `${'z '.repeat(50_000)}needle`;
    expect(firstMatch(compileLinear('need+le'), text)).toEqual({ text: 'needle', index: 100_000 });
    expect(firstMatch(compileLinear('absent'), text)).toBeUndefined();
  });
});
