import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashTag, sessionIdOfTag, sessionKeys } from '../../../adapters/redis/session-keys.js';

describe('session keys', () => {
  it('any session id gives a non-empty tag without braces that reads back as that id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }), (sessionId) => {
        const tag = hashTag(sessionId);
        expect(tag.length).toBeGreaterThan(0);
        expect(tag).not.toMatch(/[{}]/);
        // Well-formed: what Redis receives as UTF-8 is this string, byte for byte.
        expect((tag as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
        expect(sessionIdOfTag(tag)).toBe(sessionId);
      }),
      { numRuns: 2_000 },
    );
  });

  it('two different ids never share a key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }), (a, b) => {
        fc.pre(a !== b);
        const keysOfB = new Set(sessionKeys('p:', b));
        for (const key of sessionKeys('p:', a)) expect(keysOfB.has(key)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
    expect(sessionKeys('p:', '\uD800')).not.toEqual(sessionKeys('p:', '\uFFFD'));
  });

  it('an ordinary id is its own tag: keys written before ids were escaped are read as they were', () => {
    for (const sessionId of ['S', 'order-123', 'user:42/run:7', 'sess_01HZX', 'é🙂']) expect(sessionKeys('warden:', sessionId)[0]).toBe(`warden:{${sessionId}}:meta`);
  });
});
