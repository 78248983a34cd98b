import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError, readInputLines, readTrace, resolveTraceInputs, type SourceLine } from '../../src/trace/index.js';
import { splitLines } from '../../src/trace/input.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-input-'));

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('trace input', () => {
  it('splits lines across chunk boundaries, multi-byte characters included, and drops a trailing \\r', async () => {
    const bytes = Buffer.from('first é line\r\nsecond ✓\n\nlast');
    const chunks = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    expect((await all(splitLines(Readable.from(chunks), 'x'))).map((line: SourceLine) => [line.line, line.text])).toEqual([
      [1, 'first é line'],
      [2, 'second ✓'],
      [3, ''],
      [4, 'last'],
    ]);
  });

  it('reports a line over the length limit without holding it, and goes on', async () => {
    const lines = await all(splitLines(Readable.from(['short\n', 'y'.repeat(50), 'y'.repeat(50), '\nafter\n']), 'x', { maxLineLength: 64 }));
    expect(lines.map((line) => line.text ?? line.error)).toEqual(['short', expect.stringMatching(/longer than 64 characters/), 'after']);
  });

  it('resolves -, files and folders (sorted *.jsonl and *.jsonl.gz), and names the path of what cannot be read', async () => {
    const folder = join(dir, 'resolve');
    mkdirSync(folder);
    writeFileSync(join(folder, 'b.jsonl'), '');
    writeFileSync(join(folder, 'a.jsonl.gz'), gzipSync(''));
    writeFileSync(join(folder, 'c.txt'), '');
    const inputs = await resolveTraceInputs(['-', folder], Readable.from([]));
    expect(inputs.map((input) => (input.kind === 'file' ? input.path : input.name))).toEqual(['stdin', join(folder, 'a.jsonl.gz'), join(folder, 'b.jsonl')]);
    await expect(resolveTraceInputs([join(dir, 'nope.jsonl')])).rejects.toThrow(new InputError(join(dir, 'nope.jsonl'), 'no such file or directory'));
    await expect(resolveTraceInputs(['-', '-'])).rejects.toThrow(/stdin can be read only once/);
  });

  it('reads several inputs as one trace, each line with its file and number, gzip undone', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl.gz');
    writeFileSync(a, '{"session_id":"s","step":0,"type":"session.start"}\n');
    writeFileSync(b, gzipSync('{"session_id":"s","step":1,"type":"session.end","status":"completed"}\n{"session_id":"s","step":1,"type":"session.end","status":"completed"}\n'));
    const lines = await all(readTrace(readInputLines([{ kind: 'file', path: a }, { kind: 'file', path: b }])));
    expect(lines.map((line) => [line.source, line.line, line.event?.type ?? line.error])).toEqual([
      [a, 1, 'session.start'],
      [b, 1, 'session.end'],
      [b, 2, 'step 1 is not after step 1 of session s'],
    ]);
  });
});
