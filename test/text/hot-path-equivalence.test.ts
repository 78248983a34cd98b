/**
 * The hot path's faster forms (issue 12) against the implementations they replaced, kept here
 * verbatim as references: same answers on random and hand-picked inputs, or the speed-up is a regression.
 */
import { describe, expect, it } from 'vitest';
import { argumentSimilarity, canonicalArguments, nearIdentical, type CanonicalArguments } from '../../src/text/canonical-args.js';
import { normalizeDate } from '../../src/text/dates.js';
import { idValueTokens, visibleForm, hasInvisible, isMixedScript, isWildcardLike } from '../../src/text/id-tokens.js';
import { forEachToken, normalizeId, TOKEN_CLASS } from '../../src/text/tokens.js';
import { UNSPACED_CLASS } from '../../src/text/unspaced-scripts.js';
import { isPlainWord } from '../../src/checks/entity-reference.js';
import { combine, hashString } from '../../src/text/hash.js';
import { textForm, type TextForm } from '../../src/text/similarity.js';
import { isVolatile } from '../../src/text/volatile.js';

// ---- the replaced implementations -------------------------------------------------------------

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 };
const ISO_LIKE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$/;
const US_NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const MONTH_FIRST = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;
const DAY_FIRST = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3,9})\.?,? (\d{4})$/;
function iso(year: number, month: number, day: number, time?: string): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return time === undefined ? date : `${date}T${time}`;
}
const monthNumber = (name: string) => MONTHS[name.slice(0, name.startsWith('sept') ? 4 : 3)];
function oldNormalizeDate(text: string): string | undefined {
  if (text.length < 8 || text.length > 40) return undefined;
  let match = ISO_LIKE.exec(text);
  if (match) return iso(Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? undefined : `${match[4].padStart(2, '0')}:${match[5]}`);
  match = US_NUMERIC.exec(text);
  if (match) return iso(Number(match[3]), Number(match[1]), Number(match[2]));
  match = MONTH_FIRST.exec(text);
  if (match) {
    const month = monthNumber(match[1]!);
    return month === undefined ? undefined : iso(Number(match[3]), month, Number(match[2]));
  }
  match = DAY_FIRST.exec(text);
  if (match) {
    const month = monthNumber(match[2]!);
    return month === undefined ? undefined : iso(Number(match[3]), month, Number(match[1]));
  }
  return undefined;
}

const HASH_BITS = 0x3fffffff;
function oldCanonicalText(value: string): string {
  const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return oldNormalizeDate(text) ?? text;
}
function oldCanonicalArguments(args: unknown, maxDepth: number): CanonicalArguments {
  const found: Array<{ path: number; value: number; text: TextForm | undefined }> = [];
  const stack: Array<{ node: unknown; path: number; key: string | undefined; depth: number }> = [{ node: args, path: 0, key: undefined, depth: 0 }];
  while (stack.length > 0) {
    const { node, path, key, depth } = stack.pop()!;
    if (depth > maxDepth) continue;
    if (Array.isArray(node)) {
      if (node.length === 0) found.push({ path, value: 0x1b873593, text: undefined });
      for (let index = 0; index < node.length; index += 1) stack.push({ node: node[index], path: combine(path, index), key, depth: depth + 1 });
    } else if (node !== null && typeof node === 'object') {
      let empty = true;
      for (const child in node) {
        empty = false;
        stack.push({ node: (node as Record<string, unknown>)[child], path: combine(path, hashString(child)), key: child, depth: depth + 1 });
      }
      if (empty) found.push({ path, value: 0x0e6546b6, text: undefined });
    } else if (isVolatile(key, node)) {
      found.push({ path, value: 0x2f1b3c4d, text: undefined });
    } else if (typeof node === 'string') {
      const text = oldCanonicalText(node);
      // Since the loop audit: a document (a line break between non-blank characters) keeps no text form, only its hash.
      const document = /[^\x00-\x20\xa0][^\r\n]*[\r\n][\s\S]*?[^\x00-\x20\xa0]/.test(node);
      found.push({ path, value: hashString(text), text: text.includes(' ') && !document ? textForm(text) : undefined });
    } else {
      found.push({ path, value: typeof node === 'number' || typeof node === 'boolean' || node === null ? hashString(String(node), 0x3c6ef372) : 0, text: undefined });
    }
  }
  found.sort((a, b) => (a.path & HASH_BITS) - (b.path & HASH_BITS));
  const leaves = new Array<number>(found.length * 2);
  let texts: Array<TextForm | undefined> | undefined;
  let hash = 0;
  for (let index = 0; index < found.length; index += 1) {
    const leaf = found[index]!;
    leaves[index * 2] = leaf.path & HASH_BITS;
    leaves[index * 2 + 1] = leaf.value & HASH_BITS;
    hash = (hash + combine(leaf.path, leaf.value)) | 0;
    if (leaf.text !== undefined) (texts ??= [])[index] = leaf.text;
  }
  return { leaves, texts, hash: hash & HASH_BITS };
}

function oldNormalizeId(raw: string): string | undefined {
  const trimmed = raw.trim().replace(/^[.\-@#]+|[.\-@#]+$/g, '').toLowerCase();
  return trimmed === '' || trimmed.length > 256 ? undefined : trimmed;
}

function oldIsPlainWord(value: string): boolean {
  if (value.length < 2 || value.length > 40) return false;
  const parts = value.split(/[ -]/);
  if (parts.length > 3) return false;
  return parts.every((part) => {
    if (!/^(?:[a-z]+|[A-Z][a-z]+)$/.test(part)) return false;
    const lower = part.toLowerCase();
    return /[aeiouy]/.test(lower) && !/[^aeiouy]{5}/.test(lower) && !/(.)\1\1/.test(lower);
  });
}

/** The token rule with CJK letters and full-width forms (`tokens.ts`), written plainly: a CJK letter beside another letter, digit or `_-.#@` marks a token's end. */
const TOKEN = new RegExp(`[${TOKEN_CLASS}]+`, 'gu');
const UNSPACED_MEETS_OTHER = new RegExp(`(?<=[${UNSPACED_CLASS}])(?![${UNSPACED_CLASS}])|(?<![${UNSPACED_CLASS}])(?=[${UNSPACED_CLASS}])`, 'gu');
function oldIdValueTokens(value: string) {
  const visible = visibleForm(value);
  let obfuscated: 'invisible' | 'confusable' | undefined;
  if (visible !== value.normalize('NFC') && hasInvisible(value)) obfuscated = 'invisible';
  else if (visible !== value.normalize('NFC')) obfuscated = 'confusable';
  const tokens: string[] = [];
  const whole = normalizeId(visible);
  TOKEN.lastIndex = 0;
  const first = whole === undefined ? null : TOKEN.exec(whole.replace(UNSPACED_MEETS_OTHER, ' '));
  if (whole !== undefined && first !== null && first[0].length === whole.length) tokens.push(whole);
  else {
    forEachToken(visible, (token) => tokens.push(token));
    TOKEN.lastIndex = 0;
    for (let match = TOKEN.exec(visible); match !== null; match = TOKEN.exec(visible)) {
      if (match[0].length > 256) tokens.push(`${match[0].slice(0, 256).toLowerCase()}…(${match[0].length} chars)`);
    }
  }
  if (obfuscated === undefined && tokens.some(isMixedScript)) obfuscated = 'confusable';
  return { tokens, wildcard: isWildcardLike(visible), ...(obfuscated ? { obfuscated } : {}) };
}

// ---- random inputs ----------------------------------------------------------------------------

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const PIECES = [
  'ord_1001', 'ORD_1001', ' ord_1001 ', 'cust_789', 'Leave at the door', 'leave  at\tthe door', 'May 20, 2024', '2024-05-20', '05/20/2024', '20th may 2024',
  'sept 3, 2023', 'Sept. 3, 2023', '2024-05-20T09:30:00Z', 'hello world', 'électricité', 'оrd_1001', 'ord_99\u200B99', '*', '%', '', 'all', 'x'.repeat(300),
  'a@b.com', 'dark-mode', 'New York', 'en-US', 'zh-Hant-TW', '4af46ef6-b065-46dc-9cf0-70f1274edb01', 'deadbeefdeadbeefdead', 'AbC123xyz987QWE0', '\u00a0padded\u00a0', 'line one\nline two', 'one line\n', '\r\n  indented text', 'a\r\nb c',
  '注文W2378156', 'W2378156です', '山田太郎', 'Ｗ２３７８１５６', 'ｏｒｄ＿１００１', 'ord_1001の件', '주문번호 W2378156', 'ーW1ー', 'ｶﾞｲﾄﾞ',
  'two  spaces', 'line\nbreak', 'ＯＲＤ_1', 'W2378156', '#W2378156', 'credit_card_5634230', 'price 42.10 usd', 'Électricité', 'ΑΒΓ', 'mixed ord_1 and cust_2',
];
const KEYS = ['order_id', 'customer_id', 'note', 'items', 'quantity', 'nonce', 'request_id', 'ts', 'date', 'page', 'locale', 'lang', 'query', 'filter', 'userId', 'x'];

function randomValue(next: () => number, depth: number): unknown {
  const roll = next();
  if (depth > 3 || roll < 0.45) {
    const leaf = next();
    if (leaf < 0.55) return PIECES[Math.floor(next() * PIECES.length)]!;
    if (leaf < 0.7) return Math.floor(next() * 2_000_000_000_000) / (next() < 0.5 ? 1 : 100);
    if (leaf < 0.8) return next() < 0.5;
    if (leaf < 0.9) return null;
    return Math.floor(next() * 20);
  }
  if (roll < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  const count = Math.floor(next() * 5);
  for (let index = 0; index < count; index += 1) object[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
  return object;
}

describe('the hot path computes what it computed before (issue 12)', () => {
  it('canonical arguments: identical leaves, texts and hash on 1,500 random argument objects', () => {
    const next = random(12);
    for (let run = 0; run < 1_500; run += 1) {
      const args = randomValue(next, 0);
      const depth = 1 + Math.floor(next() * 6);
      expect(canonicalArguments(args, depth)).toEqual(oldCanonicalArguments(args, depth));
    }
  });

  it('canonical arguments: identical past the insertion-sort size, and on an empty object', () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`key_${index}`, index % 3 === 0 ? `Text ${index}  here` : index]));
    expect(canonicalArguments(wide, 64)).toEqual(oldCanonicalArguments(wide, 64));
    expect(canonicalArguments({}, 1)).toEqual(oldCanonicalArguments({}, 1));
  });

  it('near-identical: the early stop agrees with the full similarity on 8,000 random pairs', () => {
    const next = random(7);
    const pool = Array.from({ length: 200 }, () => {
      const base = { order_id: `ord_${Math.floor(next() * 4)}`, note: PIECES[Math.floor(next() * 6)], items: [{ item_id: `item_${Math.floor(next() * 3)}`, quantity: Math.floor(next() * 3) }] } as Record<string, unknown>;
      if (next() < 0.5) base[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, 2);
      return canonicalArguments(base, 16);
    });
    let near = 0;
    for (let pair = 0; pair < 8_000; pair += 1) {
      const a = pool[Math.floor(next() * pool.length)]!;
      const b = pool[Math.floor(next() * pool.length)]!;
      const threshold = [0.5, 0.8, 0.9, 1, 0][Math.floor(next() * 5)]!;
      const expected = argumentSimilarity(a, b, threshold) >= threshold;
      if (expected) near += 1;
      expect(nearIdentical(a, b, threshold)).toBe(expected);
    }
    // Both answers occur: the comparison is exercised, not vacuous.
    expect(near).toBeGreaterThan(400);
    expect(near).toBeLessThan(7_600);
  });

  it('dates: the same ISO form (or none) for every format and for text that is no date', () => {
    const samples = ['may 20, 2024', 'sept. 3, 2023', '20th may 2024', '2024-05-20', '2024/5/2 9:30', '05/20/2024', 'leave at the door', 'ord_10011001', '1 jan 2020x', 'january 1st, 2020', 'x2024-05-20', 'abc 12, 20241', ' 2024-05-20', 'zzz 1, 2024'];
    const next = random(3);
    for (let run = 0; run < 5_000; run += 1) {
      const chars = 'abcjmnoprstuy0123456789 ,./-:tz';
      samples.push(Array.from({ length: 6 + Math.floor(next() * 20) }, () => chars[Math.floor(next() * chars.length)]).join(''));
    }
    for (const text of samples) expect(normalizeDate(text)).toBe(oldNormalizeDate(text));
  });

  it('id normalization: the same key with and without edge punctuation', () => {
    const values = [...PIECES, '.', '..', '-ord-', '#W1', 'W1#', '@x@', ' .a. ', 'a.b', '-', '#', '@', ' ', '\t#x\n', 'x'.repeat(257), '.'.repeat(300) + 'x'];
    for (const value of values) expect(normalizeId(value)).toBe(oldNormalizeId(value));
  });

  it('plain words and id tokens: the same answers for ASCII and non-ASCII values', () => {
    const values = [...PIECES, 'electronics', 'Electronics', 'alloy', 'MZDDSW', 'dark mode theme', 'a-b-c-d', 'strrrong', 'rhythms', 'x', 'ab', 'ord-1', 'USD', 'Tab\there'];
    for (const value of values) {
      expect(isPlainWord(value)).toBe(oldIsPlainWord(value));
      expect(idValueTokens(value)).toEqual(oldIdValueTokens(value));
    }
  });
});
