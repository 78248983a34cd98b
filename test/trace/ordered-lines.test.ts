import { describe, expect, it } from 'vitest';
import { OrderedLines } from '../../src/trace/ordered-lines.js';

/** Work that needs `slices` calls of `run` to finish, then gives `line` (or its `parts`; or throws `error`). */
function scripted(line: string, slices: number, error?: Error, parts: string[] = [line]) {
  let runs = 0;
  return {
    run: () => {
      runs += 1;
      if (runs >= slices && error) throw error;
      return runs >= slices;
    },
    result: () => parts,
    get runs() {
      return runs;
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const text = (part: string | Uint8Array) => (typeof part === 'string' ? part : Buffer.from(part).toString('utf8'));

describe('OrderedLines', () => {
  it('writes a line that fits in one slice at once, returning nothing', () => {
    const written: string[] = [];
    const lines = new OrderedLines((part) => written.push(text(part)));
    expect(lines.add(scripted('a\n', 1))).toBeUndefined();
    expect(written).toEqual(['a\n']);
  });

  it('finishes a large line between turns of the event loop, and later lines wait behind it in order', async () => {
    const written: string[] = [];
    const lines = new OrderedLines((part) => written.push(text(part)));
    const large = scripted('large\n', 4);
    const first = lines.add(large);
    expect(first).toBeInstanceOf(Promise);
    // A small line given meanwhile is not written before the large one, though it fits in a slice.
    const second = lines.add(scripted('small\n', 1));
    expect(second).toBeInstanceOf(Promise);
    expect(written).toEqual([]);
    await turn();
    expect(written.length).toBeLessThan(2);
    await Promise.all([first, second]);
    expect(written).toEqual(['large\n', 'small\n']);
    expect(large.runs).toBe(4);
    // Once nothing waits, small lines are written at once again.
    expect(lines.add(scripted('after\n', 1))).toBeUndefined();
    expect(written.at(-1)).toBe('after\n');
  });

  it('a line that fails rejects its own promise only; the lines behind it are still written', async () => {
    const written: string[] = [];
    const lines = new OrderedLines((part) => written.push(text(part)));
    const failing = lines.add(scripted('x\n', 3, new TypeError('Do not know how to serialize a BigInt')));
    const next = lines.add(scripted('next\n', 1));
    await expect(failing).rejects.toThrow(/BigInt/);
    await next;
    expect(written).toEqual(['next\n']);
  });

  it('a promise nobody awaits does not become an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const lines = new OrderedLines(() => undefined);
      void lines.add(scripted('x\n', 2, new Error('disk full')));
      for (let index = 0; index < 5; index += 1) await turn();
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });

  it('flush writes everything waiting at once, in order (a sink being closed)', async () => {
    const written: string[] = [];
    const lines = new OrderedLines((part) => written.push(text(part)));
    const pending = [lines.add(scripted('one\n', 50)), lines.add(scripted('two\n', 1)), lines.add(scripted('three\n', 7))];
    lines.flush();
    expect(written).toEqual(['one\n', 'two\n', 'three\n']);
    await Promise.all(pending);
    await turn();
    expect(written).toEqual(['one\n', 'two\n', 'three\n']);
  });

  it('a long line is written in parts of its UTF-8, a slice at a time, with only the first part starting the line', async () => {
    const parts: Array<{ bytes: Buffer; lineStart: boolean }> = [];
    const lines = new OrderedLines((part, lineStart) => parts.push({ bytes: Buffer.from(typeof part === 'string' ? Buffer.from(part) : part), lineStart }), 0);
    // Characters of one, two, three and four bytes, so parts cut inside characters, never inside the line's bytes.
    const line = `${'aé€😀'.repeat(300_000)}\n`;
    const written = lines.add(scripted(line, 1));
    expect(written).toBeInstanceOf(Promise);
    const small = lines.add(scripted('next\n', 1));
    await Promise.all([written, small]);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.map((part) => part.lineStart)).toEqual([true, ...Array(parts.length - 2).fill(false), true]);
    expect(Buffer.concat(parts.slice(0, -1).map((part) => part.bytes)).toString('utf8')).toBe(line);
    expect(parts.at(-1)!.bytes.toString('utf8')).toBe('next\n');
  });

  it('a line made of many parts is written a piece at a time, each piece whole parts joined, never the line as one string', async () => {
    const pieces: Array<{ text: string; lineStart: boolean }> = [];
    const lines = new OrderedLines((piece, lineStart) => pieces.push({ text: text(piece), lineStart }), 0);
    const parts = Array.from({ length: 3_000 }, (_, index) => `{"n":${index},"s":"${'é€😀'.repeat(100)}"},`);
    parts.push('\n');
    await lines.add(scripted('', 1, undefined, parts));
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.every((piece) => piece.text.length <= 262_144)).toBe(true);
    expect(pieces.map((piece) => piece.lineStart)).toEqual([true, ...Array(pieces.length - 1).fill(false)]);
    expect(pieces.map((piece) => piece.text).join('')).toBe(parts.join(''));
  });
});
