import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonValues, type JsonItem } from '../../src/convert/json-values.js';

async function items(text: string, chunk = 3, max?: number): Promise<JsonItem[]> {
  const chunks = Array.from({ length: Math.ceil(text.length / chunk) }, (_, index) => text.slice(index * chunk, (index + 1) * chunk));
  const out: JsonItem[] = [];
  for await (const item of jsonValues(Readable.from(chunks), max)) out.push(item);
  return out;
}

describe('streaming JSON values', () => {
  it('yields the elements of a top-level array one by one, whatever the chunking', async () => {
    const text = '[\n {"a": "x,]}"},\n [1, [2]],\n "s\\"]",\n 42, true, null\n]\n';
    for (const chunk of [1, 2, 5, 1000]) {
      const found = await items(text, chunk);
      expect(found.filter((item) => item.kind === 'value').map((item) => JSON.parse((item as { text: string }).text))).toEqual([{ a: 'x,]}' }, [1, [2]], 's"]', 42, true, null]);
      expect(found.at(-1)).toEqual({ kind: 'array-end', array: 0, line: 6 });
    }
  });

  it('yields top-level values one after another (JSON Lines), with the line each starts on', async () => {
    const found = await items('{"a":1}\n{"b":\n 2}\n\n[{"c":3}]\n');
    expect(found).toEqual([
      { kind: 'value', text: '{"a":1}', line: 1 },
      { kind: 'value', text: '{"b":\n 2}', line: 2 },
      { kind: 'value', text: '{"c":3}', line: 5, array: 0 },
      { kind: 'array-end', array: 0, line: 5 },
    ]);
  });

  it('skips a value larger than the limit without holding it, and goes on', async () => {
    const found = await items(`[{"big":"${'x'.repeat(100)}"},{"small":1}]`, 7, 50);
    expect(found.map((item) => item.kind)).toEqual(['too-large', 'value', 'array-end']);
  });

  it('hands unfinished input to the parser, which says what is wrong', async () => {
    const found = await items('{"a": [1, 2');
    expect(found).toEqual([{ kind: 'value', text: '{"a": [1, 2', line: 1 }]);
  });
});
