import { describe, expect, it } from 'vitest';
import { PackedStrings } from '../src/packed-strings.js';

describe('packed session ids', () => {
  it('gives back every string exactly: empty, Latin-1, wide, lone surrogates, longer than a block, across blocks', () => {
    const strings = ['', 's1', 'caf\u00e9', '\u65e5\u672c-42', '\ud800', 'a\udfffb', 'x'.repeat(3 << 20), 'after the long one', ''];
    for (let index = 0; index < 60_000; index += 1) strings.push(index % 9 === 0 ? `sess-${index}-\u20ac` : `sess-${index}`);
    const packed = new PackedStrings();
    for (const [index, text] of strings.entries()) expect(packed.push(text)).toBe(index);
    expect(packed.size).toBe(strings.length);
    for (const [index, text] of strings.entries()) if (packed.get(index) !== text) expect(packed.get(index)).toBe(text);
  });
});
