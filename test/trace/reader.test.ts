import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { readTrace } from '../../src/trace/index.js';

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
});
