import { describe, expect, it } from 'vitest';
import { checkLinear, compileLinear, firstMatch, LinearTokenFinder, linearOnV8, linearRegExpEngine, ScanBudgetError, UnsupportedPatternError } from '../../src/text/linear-regex.js';

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

  it('runs on V8 only patterns V8 runs in linear time: anchored, no group or alternation, one variable quantifier at most', () => {
    const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
    for (const pattern of ['^ord_[0-9]+$', '^[A-Z]{3}\\d{6}$', '^\\p{L}+$', '^\\u{1F600}*$', '^[+(]?x$', '^[]a+', '^.*ok$', '^a{2,}$', '^[\\]+]+$', uuid, `^${'x'.repeat(300)}$`]) {
      expect(linearOnV8(pattern), pattern).toBe(true);
    }
    for (const pattern of [
      '[0-9]+', // unanchored: every start position backtracks
      '^a+b+$', // two variable quantifiers: quadratic
      '^(a+)+$', // a group
      '^a|b+', // an alternative not anchored
      '^(?=a)a', // lookahead
      '^(a)\\1', // a backreference
      '^\\k<x>',
      '^a{1,9}\\d?',
      '^x{300}a+', // fixed repetitions past the bound, with a quantifier to backtrack through
      `^.*${'a'.repeat(100)}c`, // 100 literals read again at every step back of .*
      `^\\d+${'[a-z]'.repeat(70)}`,
      `^x{5000}`, // one attempt, but 5,000 wide
      '^[a-z',
      '^\\p{L',
    ]) {
      expect(linearOnV8(pattern), pattern).toBe(false);
    }
  });

  it('gives a pattern run on V8 ECMA-262 semantics (JSON Schema\'s), and the others RE2\'s, each keyed apart for ajv', () => {
    const native = linearRegExpEngine('^\\s+$', 'u');
    // Every Unicode space, as ECMA-262 reads \s; RE2's \s is ASCII only.
    expect(native.test('\u00a0\u2009')).toBe(true);
    expect(native).toBeInstanceOf(RegExp);
    const onRe2 = linearRegExpEngine('^a+b+$', 'u');
    expect(onRe2).not.toBeInstanceOf(RegExp);
    expect([onRe2.test('aab'), onRe2.test('aa')]).toEqual([true, false]);
    // A hostile pattern stays on RE2: 30,000 characters that almost match answer at once.
    expect(linearRegExpEngine('^(a|a)+$', 'u').test(`${'a'.repeat(30_000)}!`)).toBe(false);
    expect(new Set([String(native), String(onRe2), String(linearRegExpEngine('^\\s*$', 'u'))]).size).toBe(3);
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
