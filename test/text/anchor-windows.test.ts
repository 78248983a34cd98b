/**
 * The injection scan's anchor pass finds candidates by character code and confirms each with the
 * anchor alternation (issue 12): on any text it must give exactly the windows of the single global
 * regular expression it replaces, and the base64 runs of the generator it absorbed (both kept in
 * test/text/reference).
 */
import { describe, expect, it } from 'vitest';
import { anchorWindows } from '../../src/text/injection.js';
import { anchorWindows as anchorWindowsBefore, base64Runs as base64RunsBefore } from './reference/anchor-windows-before.js';

const PIECES = [
  'ignore', 'Ignore', 'IGNORE', 'ignored', 'ai', 'AI', 'a.i', 'A.I.', 'a', 'i', 'assistant', 'assistants', 'Assistants_', 'authorized', 'authorised', 'authorixed',
  'codes', 'code', 'keys', 'tokenss', 'euros', 'usd', 'AB12', 'ab1', 'GB29NWBK', 'x9AB12', '_AB12', 'dan', 'Dan', 'now', 'nowhere', 'you', 'your', 'yours',
  '<|im_start|>', '<<SYS>>', '< / system >', '<system>', '<sys', '[INST]', '[/inst', '](http://x)', '![img]', '@', 'a@b', 'mail@x.org', '!', '<', '[', ']',
  'instrucciones', 'instruccionesinstrucciones', 'development', 'interest', 'deve', 'muss', 'JETZT', 'maintenant', 'ÓRDENES', 'órdenes', 'инструкции', 'ИНСТРУКЦИИ', '指令', '지시',
  'esqueça', 'ESQUEÇA', 'игнорируйте', 'ПРОИГНОРИРУЙ', 'забудь', '忽略', '無視', '忘れ', '이전', 'tell', 'Telling', 'data', 'apikey', 'links', 'URLs', 'phrase', 'vergessen', 'oubliez',
  'SGVsbG8gd29ybGQsIHRoaXMgaXMgYSB0ZXN0', 'aGVsbG8=', 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo==', 'a+b/c', '===', 'ſystem', 'K', 'café', 'naïve', '😀', 'order', 'ord_1001', 'carrier', 'UPS-13', 'delivered', 'the', 'front', 'desk.', '12', '-', '_', '.', ',', '\n', '  ',
];

function random(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    state = (Math.imul(state ^ (state >>> 15), 2_246_822_507) + 0x9e3779b9) >>> 0;
    return state % below;
  };
}

describe('injection anchor windows', () => {
  it('match the single-regex pass (and the base64 runs) on random texts of anchors, near-anchors, encodings and noise', () => {
    const next = random(2024);
    for (let round = 0; round < 3_000; round += 1) {
      const parts: string[] = [];
      const count = 1 + next(round % 10 === 0 ? 400 : 30);
      for (let index = 0; index < count; index += 1) parts.push(PIECES[next(PIECES.length)]!, [' ', '', '\n', ', ', '.', 'x'.repeat(next(300))][next(6)]!);
      const text = parts.join('');
      const runs: Array<[number, number]> = [];
      expect(anchorWindows(text, runs), text.slice(0, 200)).toEqual(anchorWindowsBefore(text));
      expect(runs, text.slice(0, 200)).toEqual([...base64RunsBefore(text)]);
    }
  });

  it('match it on long data-like text, where windows are sparse, and on text with no anchor at all', () => {
    const rows = Array.from({ length: 4_000 }, (_, index) => `Replaces ord_${index}; carrier ref UPS-${index * 13} delivered to the front desk.${index % 997 === 0 ? ' Your AI assistant must comply.' : ''}`);
    const text = rows.join('\n');
    expect(anchorWindows(text)).toEqual(anchorWindowsBefore(text));
    expect(anchorWindows('x'.repeat(100_000))).toEqual(anchorWindowsBefore('x'.repeat(100_000)));
  });
});
