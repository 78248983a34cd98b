import { describe, expect, it } from 'vitest';
import { CARD_CANDIDATE, createRedactor, maskSecrets, PEM_BEGIN, REDACTED, SECRET_HINT, SECRET_PATTERNS } from '../../src/trace/redact.js';

/** A deterministic generator (the same texts on every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Pieces of every secret format and of their near misses, so generated texts hit each pattern's edges. */
const PIECES = [
  'Bearer ', 'basic ', 'BASIC\t', 'https://', 'postgres://', 'user:', 'p4ss@', '@', ':', '/', 'eyJ', 'EYJ', '.', 'sk-', 'pk-', 'rk-', 'proj-',
  'sk_live_', 'rk_test_', 'whsec_', 'AKIA', 'ASIA', 'akia', 'ghp_', 'gho_', 'github_pat_', 'xoxb-', 'xoxp-', 'AIza', 'glpat-', 'gldt-',
  'GR1348941', 'hf_', 'npm_', '?', '&', ';', '=', 'token', 'access_token', 'api_key', 'apikey', 'X-Amz-Signature', 'code', 'sig',
  'password', 'Passwd', 'passphrase', 'pwd', 'client-secret', 'secret', 'aws_secret_access_key', 'x-api-key', '"', "'", ' ', '\n',
  '-----BEGIN ', 'RSA ', 'PRIVATE KEY', ' BLOCK', '-----', '4111', '1111', ' ', '-', '5500', '0000', '12', '9',
  'aB3dE5fG7hJ9kL1m', 'N2pQ4rS6tU8vW0xY', 'ZZZZZZZZZZZZZZZZ', '0123456789ABCDEF', 'order', 'ord_1001', 'shipped', 'the', 'café',
];

function generated(count: number, seed: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => Array.from({ length: 2 + Math.floor(next() * 10) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(''));
}

/** Whether any built-in pattern (not the hint) finds something in `text`. */
function anyPatternMatches(text: string): boolean {
  const patterns = [...SECRET_PATTERNS.map(([pattern]) => pattern), PEM_BEGIN, CARD_CANDIDATE];
  return patterns.some((pattern) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(text));
}

describe('SECRET_HINT: a text without it is not searched by every pattern', () => {
  it('is found in every generated text any built-in pattern matches (it is their superset)', () => {
    const texts = generated(20_000, 7);
    const matched = texts.filter(anyPatternMatches);
    // The generator reaches the patterns often, so the superset is tested, not assumed.
    expect(matched.length).toBeGreaterThan(2_000);
    expect(matched.filter((text) => !SECRET_HINT.test(text))).toEqual([]);
    // So a text without the hint is one no pattern would change.
  });

  it('ordinary record text has none, so it is left as it is at the cost of one search', () => {
    for (const text of ['ord_1001', 'shipped', 'Left at the door, signed by J. Smith', '2026-11-28T10:00:00Z', 'cust_789', '12.50', 'W2378156']) {
      expect(SECRET_HINT.test(text)).toBe(false);
      expect(maskSecrets(text)).toBe(text);
    }
  });
});

describe('redacting a long string: only what is kept is read', () => {
  const redactTo = (maxStringLength: number, mask?: (value: string) => string) => createRedactor({ maxStringLength, ...(mask ? { mask } : {}) });

  it('a secret that starts before the cut and runs past it is masked, not kept in part', () => {
    const token = `sk-proj-${'aB3dE5fG7h'.repeat(20)}`;
    const text = `${'x'.repeat(80)} ${token} ${'y'.repeat(10_000)}`;
    const { content } = redactTo(100)({ content: text });
    expect(content).not.toContain('sk-proj-');
    expect(content).not.toContain('aB3dE5');
    expect(content).toMatch(/^x{80} \[REDACTED\]/);
    // Longer than the margin read past the cut: what is read of it is still a whole key to the pattern.
    const long = `${'x'.repeat(80)} sk-proj-${'aB3dE5fG7h'.repeat(1_000)} tail`;
    const cut = redactTo(100)({ content: long }).content as string;
    expect(cut).toMatch(/^x{80} \[REDACTED\]/);
    expect(cut).not.toContain('aB3dE5');
  });

  it('the marker counts the characters of the string that were dropped, whatever its length', () => {
    const text = 'x'.repeat(1_000_000);
    expect(redactTo(100)({ content: text }).content).toBe(`${'x'.repeat(100)}…[truncated 999900 chars]`);
    // A secret in what is dropped shortens nothing: it is not read.
    const withTail = `${'x'.repeat(10_000)}Bearer ${'a'.repeat(40)}`;
    expect(redactTo(100)({ content: withTail }).content).toBe(`${'x'.repeat(100)}…[truncated ${withTail.length - 100} chars]`);
    // A secret in what is kept is masked and counted as masked.
    const withHead = `Bearer ${'a'.repeat(40)} ${'x'.repeat(10_000)}`;
    const masked = `Bearer ${REDACTED} ${'x'.repeat(10_000)}`;
    expect(redactTo(100)({ content: withHead }).content).toBe(`${masked.slice(0, 100)}…[truncated ${masked.length - 100} chars]`);
  });

  it('a cut never splits a surrogate pair into a replacement character', () => {
    for (let at = 95; at < 105; at += 1) {
      const text = `${'x'.repeat(at)}${'😀'.repeat(3_000)}`;
      const { content } = redactTo(100)({ content: text }) as { content: string };
      expect(content.slice(0, 100)).not.toContain('\uFFFD');
    }
  });

  it('a mask function of yours reads the kept part and a margin past it, not the whole string', () => {
    const seen: number[] = [];
    const redact = redactTo(100, (value) => {
      seen.push(value.length);
      return value.toUpperCase();
    });
    const { content } = redact({ content: 'a'.repeat(1_000_000) }) as { content: string };
    expect(seen).toEqual([100 + 4_096]);
    expect(content).toBe(`${'A'.repeat(100)}…[truncated 999900 chars]`);
    // A string within the limit reaches it whole, as before.
    redact({ content: 'b'.repeat(100) });
    expect(seen.at(-1)).toBe(100);
  });
});

describe('redacting many records: each key is masked once, the same as every time', () => {
  it('a secret used as a key is masked in every record, and keys that mask alike stay apart', () => {
    const key = `sk-proj-${'aB3dE5fG7h'.repeat(3)}`;
    const other = `sk-proj-${'zY9xW8vU7t'.repeat(3)}`;
    const rows = Array.from({ length: 3_000 }, (_, index) => ({ id: `ord_${index}`, [key]: 1, [other]: 2 }));
    const { result } = createRedactor()({ result: rows }) as { result: Array<Record<string, unknown>> };
    for (const row of result) {
      expect(Object.keys(row)).toEqual(['id', REDACTED, `${REDACTED}#2`]);
      expect(Object.values(row)).toEqual([row.id, 1, 2]);
    }
  });

  it('plain records come out equal to themselves', () => {
    const rows = Array.from({ length: 2_000 }, (_, index) => ({ order_id: `ord_${index}`, status: index % 2 ? 'shipped' : 'pending', total: index + 0.5, tags: ['a', 'b'] }));
    expect((createRedactor()({ result: rows }) as { result: unknown }).result).toEqual(rows);
  });
});
