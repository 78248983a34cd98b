/**
 * Id-like tokens in text. Ids are compared whole (never split on `_` or `-`), case-insensitively,
 * with a leading `#` optional (`#W2378156` and `W2378156` name the same order). Text outside ASCII is
 * read as its writers write ids: full-width forms folded (NFKC), the letters of a script written without
 * spaces (CJK, Thai, ...) against an id a token of their own (`注文番号W2378156です` holds `w2378156`; see
 * `unspaced-scripts.ts`), and a letter's marks (a decomposed accent, a vowel sign) part of its word.
 */
import { MARK_CLASS, UNSPACED_CLASS } from './unspaced-scripts.js';

/**
 * What a run of token characters holds (a character class's body): letters, the marks on them, digits,
 * `_-.#@`, and the full-width `＃－．＠＿` a CJK keyboard types (`ｏｒｄ＿１００１` is one run, `ord_1001` once folded).
 */
export const TOKEN_CLASS = `\\p{L}${MARK_CLASS}\\p{N}_\\-.#@\\uFF03\\uFF0D\\uFF0E\\uFF20\\uFF3F`;
const TOKEN = new RegExp(`[${TOKEN_CLASS}]+`, 'gu');
/**
 * The tokens of a run outside ASCII once folded: letters of a script written without spaces apart from
 * the letters, digits and `_-.#@` around them. Such a run stays a token (a customer's name may be an id
 * value, and must still be known); only where it meets other letters is a token cut. A mark goes with
 * the letter before it (`Nu\u0301mero` is `número`, one word) and starts no token: one standing alone
 * before an id (after a space) is dropped, not glued to it.
 */
const PIECE = new RegExp(
  `[[\\p{L}${MARK_CLASS}\\p{N}]&&[${UNSPACED_CLASS}]]+|[[\\p{L}\\p{N}_\\-.#@]--[${UNSPACED_CLASS}]][[\\p{L}${MARK_CLASS}\\p{N}_\\-.#@]--[${UNSPACED_CLASS}]]*`,
  'gv',
);
const EDGE_TRIM = /^[.\-@#]+|[.\-@#]+$/g;
const MAX_TOKEN_LENGTH = 256;

/** `.`, `-`, `@`, `#`: what `EDGE_TRIM` trims. */
function isEdge(code: number): boolean {
  return code === 46 || code === 45 || code === 64 || code === 35;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) >= 128) return false;
  return true;
}

/** The ledger key of an id: lower case, edge punctuation trimmed. `undefined` when nothing is left. */
export function normalizeId(raw: string): string | undefined {
  let trimmed = raw.trim();
  // Most tokens have no edge punctuation: the regex runs only when an edge has some.
  if (trimmed.length > 0 && (isEdge(trimmed.charCodeAt(0)) || isEdge(trimmed.charCodeAt(trimmed.length - 1)))) trimmed = trimmed.replace(EDGE_TRIM, '');
  trimmed = trimmed.toLowerCase();
  return trimmed === '' || trimmed.length > MAX_TOKEN_LENGTH ? undefined : trimmed;
}

/**
 * The tokens (not yet normalized) of one run of token characters outside ASCII: the run in NFKC
 * (`Ｗ２３７８１５６` is `W2378156`), cut where the letters of a script written without spaces meet others. An ASCII run is its own one token.
 */
function piecesOf(run: string): readonly string[] {
  return run.normalize('NFKC').match(PIECE) ?? [];
}

/**
 * Calls `visit` with the normalized form of every token in `text`, in one linear pass.
 * A token holding `.` or `@` (an email, a dotted path) is also visited in its parts, so
 * "reservation 8JX2WO." and "mia@example.com" both yield the id a user meant.
 */
export function forEachToken(text: string, visit: (token: string) => void): void {
  TOKEN.lastIndex = 0;
  let outside = -1;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    if (outside < match.index) outside = nonAsciiFrom(text, match.index);
    visitRun(match[0], TOKEN.lastIndex <= outside, visit);
  }
}

/**
 * `forEachToken` over part of a long text, resumable: reads on from `from` until a token ends at or
 * past `until` (each token whole), and returns where the next call starts.
 */
export function forEachTokenBetween(text: string, from: number, until: number, visit: (token: string) => void): number {
  TOKEN.lastIndex = from;
  let outside = -1;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    if (outside < match.index) outside = nonAsciiFrom(text, match.index);
    visitRun(match[0], TOKEN.lastIndex <= outside, visit);
    if (TOKEN.lastIndex >= until) return TOKEN.lastIndex;
  }
  return text.length;
}

const NON_ASCII = /[^\x00-\x7f]/g;

/**
 * Where the first character outside ASCII at or after `from` is (the text's length when none): one
 * native search tells the tokenizers that every token up to there is ASCII, so ASCII text, most of
 * it, is searched once and its tokens are never looked at for what CJK text needs.
 */
function nonAsciiFrom(text: string, from: number): number {
  NON_ASCII.lastIndex = from;
  return NON_ASCII.exec(text)?.index ?? text.length;
}

/**
 * Calls `visit` with the normalized form of one run of token characters, and of its parts when it holds
 * `.` or `@`; a run outside ASCII is read in its tokens (`piecesOf`), each so.
 */
export function visitToken(run: string, visit: (token: string) => void): void {
  visitRun(run, isAscii(run), visit);
}

function visitRun(run: string, ascii: boolean, visit: (token: string) => void): void {
  if (ascii) visitPiece(run, visit);
  else for (const piece of piecesOf(run)) visitPiece(piece, visit);
}

function visitPiece(piece: string, visit: (token: string) => void): void {
  const token = normalizeId(piece);
  if (token === undefined) return;
  visit(token);
  if (token.includes('.') || token.includes('@')) {
    for (const part of token.split(/[.@]/)) {
      const normalized = normalizeId(part);
      if (normalized !== undefined && normalized !== token) visit(normalized);
    }
  }
}

const TOKEN_AT = new RegExp(TOKEN.source, 'uy');

/** The length of the run of token characters starting at `start` in `text` (0 when none starts there). */
export function tokenRunAt(text: string, start: number): number {
  TOKEN_AT.lastIndex = start;
  return TOKEN_AT.test(text) ? TOKEN_AT.lastIndex - start : 0;
}

/** 1 for the ASCII characters a run of token characters holds: `[A-Za-z0-9_.#@-]`. */
const ASCII_TOKEN_CHARS = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) ASCII_TOKEN_CHARS[code] = /[\p{L}\p{N}_\-.#@]/u.test(String.fromCharCode(code)) ? 1 : 0;

/**
 * The one token an id value is, normalized (`normalizeId`) already, or `undefined` when it is several
 * (spaces or separators between runs, or Thai or CJK letters against an id) or none.
 */
export function wholeToken(normalized: string): string | undefined {
  // ASCII, most ids, is told by its codes: one run when every one is a token character.
  let index = 0;
  for (; index < normalized.length; index += 1) {
    const code = normalized.charCodeAt(index);
    if (code >= 128) break;
    if (ASCII_TOKEN_CHARS[code] === 0) return undefined;
  }
  if (index === normalized.length) return normalized;
  TOKEN.lastIndex = 0;
  const first = TOKEN.exec(normalized);
  if (first === null || first[0].length !== normalized.length) return undefined;
  const pieces = piecesOf(normalized);
  return pieces.length === 1 ? normalizeId(pieces[0]!) : undefined;
}

/** The tokens of an id value: one for a plain id, several for a value with spaces or separators. */
export function idTokens(value: string): string[] {
  const whole = normalizeId(value);
  if (whole === undefined) return [];
  const token = wholeToken(whole);
  if (token !== undefined) return [token];
  const tokens: string[] = [];
  forEachToken(value, (found) => tokens.push(found));
  return tokens;
}
