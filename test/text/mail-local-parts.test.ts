import { describe, expect, it } from 'vitest';
import { cutAddressToken, forEachCutAddress } from '../../src/text/mail-local-parts.js';

const inText = (text: string) => {
  const found: string[] = [];
  forEachCutAddress(text, (address) => found.push(address));
  return found;
};

describe('addresses whose local part the token reader cuts, read whole in content', () => {
  it.each<[string, string[]]>([
    ["write to O'Brien@X.test.", ["o'brien@x.test"]],
    ['a!b@x.test, a$b@x.test; a*b@x.test', ['a!b@x.test', 'a$b@x.test', 'a*b@x.test']],
    ['(eve+tag@x.test)', ['eve+tag@x.test']],
    ['{x}@x.test and x^y@x.test and a|b@x.test and a~b@x.test and a`b@x.test', ['x}@x.test', 'x^y@x.test', 'a|b@x.test', 'a~b@x.test', 'a`b@x.test']],
    ['mail "eve smith"@x.test now', ['"eve smith"@x.test']],
    ['From: Eve <"eve smith"@x.test>', ['"eve smith"@x.test']],
    ["'o'brien@x.test'", ["o'brien@x.test"]],
    // A full-width `＠` (and full-width letters around it) as a CJK keyboard types them: the address NFKC makes.
    ["write to o'brien\uFF20x.test.", ["o'brien@x.test"]],
    ["連絡先：ｏ'ｂｒｉｅｎ＠ｘ.ｔｅｓｔ", ["o'brien@x.test"]],
    ['mail "eve smith"＠x.test and eve+tag@y.test', ['"eve smith"@x.test', 'eve+tag@y.test']],
    // `\` pairs in a quoted local part (RFC 5322 quoted-pair): the whole local part, as written.
    ['mail "eve\\"s"@x.test now', ['"eve\\"s"@x.test']],
    ['mail "Eve \\"the boss\\" Smith"@X.test', ['"eve \\"the boss\\" smith"@x.test']],
    ['mail "a\\\\b"@x.test and "a\\\\"@x.test', ['"a\\\\b"@x.test', '"a\\\\"@x.test']],
  ])('%s', (text, addresses) => {
    expect(inText(text)).toEqual(addresses);
  });

  it('keeps prose quiet: an address its tokens name already, quotes around one, mentions and decorators', () => {
    expect(inText("Tom's email is tom@x.test. Ask 'eve@x.test' or [eve@x.test] or \"eve@x.test\"; a#b@x.test")).toEqual([]);
    expect(inText('@Component() class A {} and thanks @jane-doe-88! and @ alone and a+b@localhost')).toEqual([]);
    expect(inText('＠Component and ＠ alone and eve＠x.test and a+b＠localhost')).toEqual([]);
    // A `\` escaping the closing quote leaves it open; a quote escaped by an odd run of `\` opens nothing.
    for (const text of ['mail "a\\"@x.test now', 'mail x\\"eve"@x.test', 'mail "\u00e9\\"x"@x.test', 'mail "eve\\\u00e9"@x.test']) expect(inText(text)).toEqual([]);
    expect(inText('https://x.test/u/a@b.test?email=eve@x.test&to=a=b@x.test')).toEqual([]);
    expect(inText(`${'a'.repeat(70)}+b@x.test and say"eve smith"@x.test`)).toEqual([]);
  });

  it('reads hostile runs of at-signs, local parts and domains in linear time', () => {
    const started = performance.now();
    const hostile = `${'@'.repeat(300_000)} ${'a+'.repeat(100_000)}@ ${'"'.repeat(100_000)}@ ${'a+b@x.'.repeat(50_000)} ${'\\"'.repeat(100_000)}@ ${'"a\\"@'.repeat(50_000)} ${'\\'.repeat(100_000)}"@x.test ＠${'ｘ＠'.repeat(50_000)}`;
    expect(inText(hostile).length).toBeLessThanOrEqual(50_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('cutAddressToken: the token of one address a call names', () => {
  it.each<[string, string | undefined]>([
    ["O'Brien@X.test", "o'brien@x.test"],
    ['a!b@x.test', 'a!b@x.test'],
    ['Eve+Tag@x.test', 'eve+tag@x.test'],
    ['"Eve Smith"@x.test', '"eve smith"@x.test'],
    ['"Eve\\"s"@x.test', '"eve\\"s"@x.test'],
    ['"a\\\\b"@x.test', '"a\\\\b"@x.test'],
    ['"a\\"@x.test', undefined],
    ["'o'brien@x.test", "o'brien@x.test"],
    // Its tokens name these already, as content's tokens do.
    ['eve@x.test', undefined],
    ['a#b@x.test', undefined],
    ["'eve@x.test", undefined],
    ['a/b@x.test', undefined],
    ['a!b@localhost', undefined],
  ])('%s', (address, token) => {
    expect(cutAddressToken(address)).toBe(token);
  });

  it('names the token content records for the same writing', () => {
    for (const address of ["o'brien@x.test", 'a!b@x.test', 'eve+tag@x.test', '"eve smith"@x.test', 'x^y@x.test', '"eve\\"s"@x.test']) {
      expect(inText(`see ${address}.`)).toEqual([cutAddressToken(address)]);
    }
  });
});
