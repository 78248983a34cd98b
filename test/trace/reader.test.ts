import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readTrace } from '../../src/trace/index.js';
import { BatchedLines, readInputLineBatches } from '../../src/trace/input.js';

async function read(text: string) {
  const lines = [];
  for await (const line of readTrace(Readable.from([text]))) lines.push(line);
  return lines;
}

describe('trace reader', () => {
  it('reports broken lines with their 1-based number and goes on', async () => {
    const text = [
      '{"session_id":"a","step":0,"type":"session.start"}',
      '',
      '{not json',
      '{"session_id":"a","step":1,"type":"tool.call","tool":"x"}',
      '{"session_id":"a","step":0,"type":"message","role":"user","content":"again"}',
      '{"session_id":"a","step":2,"type":"something.new","anything":1}',
      '{"session_id":"b","step":0,"type":"message","role":"robot","content":"x"}',
      '{"session_id":"a","step":3,"type":"message","role":"user","content":"ok"}',
    ].join('\n');
    const lines = await read(text);
    expect(lines.map((line) => (line.error ? `${line.line}: ${line.error}` : `${line.line}: ${line.event!.type}`))).toEqual([
      '1: session.start',
      expect.stringMatching(/^3: not valid JSON/),
      '4: tool.call: missing call_id (a string)',
      '5: step 0 is not after step 0 of session a',
      '7: message: role must be one of "system", "user", "assistant", got the string "robot"',
      '8: message',
    ]);
  });

  it('keeps steps per session in interleaved files', async () => {
    const text = ['{"session_id":"a","step":0,"type":"session.start"}', '{"session_id":"b","step":0,"type":"session.start"}', '{"session_id":"a","step":1,"type":"session.end","status":"completed"}'].join('\n');
    expect((await read(text)).every((line) => line.error === undefined)).toBe(true);
  });

  it('skips a type named like an Object member (constructor, __proto__) as an unknown type, and goes on', async () => {
    const text = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']
      .map((type, index) => `{"session_id":"a","step":${index},"type":"${type}"}`)
      .concat('{"session_id":"a","step":9,"type":"session.end","status":"completed"}')
      .join('\n');
    expect((await read(text)).map((line) => line.error ?? `${line.line}: ${line.event!.type}`)).toEqual(['6: session.end']);
  });

  it('reads a file a chunk of lines at a time with the same results, positions and cursor as line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-reader-'));
    try {
      // Several read chunks (64 KiB each), with broken, blank and out-of-order lines among them.
      const lines: string[] = [];
      for (let index = 0; index < 3_000; index += 1) {
        if (index % 500 === 7) lines.push('{broken');
        else if (index % 700 === 3) lines.push('');
        else lines.push(JSON.stringify({ session_id: `s${index % 7}`, step: index % 900 === 5 ? 0 : index, type: 'message', role: 'user', content: `line ${index} ${'x'.repeat(index % 50)}` }));
      }
      const path = join(dir, 'trace.jsonl');
      writeFileSync(path, `${lines.join('\r\n')}\n`);
      const outcome = (line: { line: number; error?: string; event?: { step: number } }, at: number) => `${at}:${line.line}:${line.error ?? line.event!.step}`;
      const collect = async (input: Parameters<typeof readTrace>[0]) => {
        const position = { item: 0 };
        const seen: string[] = [];
        for await (const line of readTrace(input, { position })) seen.push(outcome(line, position.item));
        return seen;
      };
      const byLine = await collect(lines);
      expect(byLine.length).toBeGreaterThan(2_900);
      expect(byLine.some((line) => line.includes('not valid JSON'))).toBe(true);
      expect(await collect(path)).toEqual(byLine);
      // The CLI's input: lines in batches, the cursor following each line as it is handed out.
      const cursor: { source?: string; line?: number; text?: string } = {};
      const cursorLines: number[] = [];
      const batched = new BatchedLines(readInputLineBatches([{ kind: 'file', path }]), cursor);
      const seen: string[] = [];
      const position = { item: 0 };
      for await (const line of readTrace(batched, { position })) {
        seen.push(outcome(line, position.item));
        cursorLines.push(cursor.line!);
        expect(cursor.source).toBe(path);
      }
      expect(seen.map((entry) => entry.replace(/^(\d+):\d+:/, '$1:'))).toEqual(byLine.map((entry) => entry.replace(/^(\d+):\d+:/, '$1:')));
      expect(cursorLines).toEqual(seen.map((entry) => Number(entry.split(':')[1])));
      // Iterated as any iterable, the same lines come one by one.
      let count = 0;
      for await (const line of new BatchedLines(readInputLineBatches([{ kind: 'file', path }]))) {
        count += 1;
        expect(line.line).toBe(count);
      }
      expect(count).toBe(lines.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
