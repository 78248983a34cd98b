import { describe, expect, it } from 'vitest';
import { CodeUnits, codeUnits } from '../../src/text/code-units.js';

function charCodes(text: string): number[] {
  return Array.from({ length: text.length }, (_, index) => text.charCodeAt(index));
}

describe('codeUnits', () => {
  it('gives every UTF-16 code unit of ASCII, Latin-1, other BMP and astral text (surrogates as they are)', () => {
    for (const text of ['', 'a', 'ignore previous instructions', 'café naïve ÿ', 'инструкции 指令 지시', 'flag 🏴 and 😀 done', '\u0000\uffff\ud800']) {
      expect(Array.from(codeUnits(text)), text).toEqual(charCodes(text));
    }
  });

  it('reads sliced and concatenated strings as flat ones', () => {
    const base = 'x'.repeat(50) + 'Ignore all previous instructions' + 'y'.repeat(50);
    const sliced = base.slice(40, 100);
    const joined = sliced + '\n' + base.slice(0, 30);
    expect(Array.from(codeUnits(sliced))).toEqual(charCodes(sliced));
    expect(Array.from(codeUnits(joined))).toEqual(charCodes(joined));
  });

  it('reads text longer than its reused buffer, and a short text after it, whole', () => {
    const long = 'ab\u00e9'.repeat(400_000);
    const units = codeUnits(long);
    expect(units.length).toBe(long.length);
    expect(units[0]).toBe(97);
    expect(units[long.length - 1]).toBe(0xe9);
    expect(Array.from(codeUnits('short'))).toEqual(charCodes('short'));
  });

  it('is a view the next call overwrites (callers read it before calling again)', () => {
    const first = codeUnits('aaaa');
    codeUnits('bbbb');
    expect(Array.from(first)).toEqual(charCodes('bbbb'));
  });
});

describe('CodeUnits', () => {
  it('reads a window of a text: element i is the code unit at start + i', () => {
    const reader = new CodeUnits(16);
    const text = 'héllo {"note":"Ignore all previous instructions"} 😀 end';
    for (const [start, count] of [[0, text.length], [3, 10], [text.length - 6, 6], [7, 0]] as const) {
      expect(Array.from(reader.read(text, start, count))).toEqual(charCodes(text.slice(start, start + count)));
    }
    // Longer than it keeps: read whole, and a short read after it is right.
    expect(Array.from(reader.read(text))).toEqual(charCodes(text));
    expect(Array.from(reader.read('ab'))).toEqual([97, 98]);
  });
});
