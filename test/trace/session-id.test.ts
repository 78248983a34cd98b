import { describe, expect, it } from 'vitest';
import { detached, quickSessionId } from '../../src/trace/session-id.js';

/** What parsing the line says: the top-level string session_id, if the line is a JSON object with one. */
function parsedSessionId(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { session_id?: unknown } | null;
    return typeof value === 'object' && value !== null && typeof value.session_id === 'string' ? value.session_id : undefined;
  } catch {
    return undefined;
  }
}

/** The quick answer, when it gives one, must be what parsing says; when parsing finds no session, any answer is harmless. */
function expectExact(text: string): void {
  const quick = quickSessionId(text);
  const parsed = parsedSessionId(text);
  if (quick !== undefined && parsed !== undefined) expect(quick, text).toBe(parsed);
}

describe('reading a line’s session id without parsing it', () => {
  it('reads the session id of ordinary lines, compact or spaced as Python writes them', () => {
    expect(quickSessionId('{"session_id":"s1","step":0,"type":"session.start"}')).toBe('s1');
    expect(quickSessionId('{"type": "tool.call", "session_id": "run-42", "step": 3}')).toBe('run-42');
    expect(quickSessionId('{"session_id" :\t"ünïcode-☃","step":1}')).toBe('ünïcode-☃');
  });

  it('declines whenever the key could be written twice or the value is escaped, so the line gets parsed', () => {
    // A repeated key: JSON.parse keeps the last one.
    expect(quickSessionId('{"session_id":"decoy","session_id":"real","step":0}')).toBeUndefined();
    // The key spelled with an escape, beside a plain one in a nested object.
    expect(quickSessionId('{"session\\u005fid":"real","arguments":{"session_id":"nested"}}')).toBeUndefined();
    // A nested key as well as the top-level one.
    expect(quickSessionId('{"arguments":{"session_id":"nested"},"session_id":"real"}')).toBeUndefined();
    // Escapes inside the value.
    expect(quickSessionId('{"session_id":"a\\"b","step":0}')).toBeUndefined();
    expect(quickSessionId('{"session_id":"a\\\\b","step":0}')).toBeUndefined();
    // Not a string.
    expect(quickSessionId('{"session_id":7,"step":0}')).toBeUndefined();
    expect(quickSessionId('{"session_id":"","step":0}')).toBeUndefined();
  });

  it('never names another session than parsing would, over lines built to mislead it', () => {
    const ids = ['s1', 'a"b', 'a\\b', 'session_id', '"session_id"', 'x\u2028y', '', 'ünï'];
    const fragments = [
      (id: string) => `"session_id":${JSON.stringify(id)}`,
      (id: string) => `"session_id" : ${JSON.stringify(id)}`,
      (id: string) => `"session\\u005fid":${JSON.stringify(id)}`,
      (id: string) => `"note":${JSON.stringify(`"session_id":"${id}"`)}`,
      () => `"note":${JSON.stringify(`x"session_id`)}`,
      (id: string) => `"arguments":{"session_id":${JSON.stringify(id)}}`,
      () => '"step":0',
      () => '"type":"message"',
    ];
    let seed = 12_345;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 5_000; round += 1) {
      const parts = Array.from({ length: 1 + next(4) }, () => fragments[next(fragments.length)]!(ids[next(ids.length)]!));
      expectExact(`{${parts.join(',')}}`);
    }
  });

  it('copies a long id so the line it was cut from can be freed, keeping its value', () => {
    const line = `{"session_id":"${'x'.repeat(40)}","step":0}`;
    expect(detached(quickSessionId(line)!)).toBe('x'.repeat(40));
    expect(detached('short')).toBe('short');
  });
});
