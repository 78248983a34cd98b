/**
 * Id-like tokens in text. Ids are compared whole (never split on `_` or `-`), case-insensitively,
 * with a leading `#` optional (`#W2378156` and `W2378156` name the same order).
 */

const TOKEN = /[\p{L}\p{N}_\-.#@]+/gu;
const EDGE_TRIM = /^[.\-@#]+|[.\-@#]+$/g;
const MAX_TOKEN_LENGTH = 256;

/** `.`, `-`, `@`, `#`: what `EDGE_TRIM` trims. */
function isEdge(code: number): boolean {
  return code === 46 || code === 45 || code === 64 || code === 35;
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
 * Calls `visit` with the normalized form of every token in `text`, in one linear pass.
 * A token holding `.` or `@` (an email, a dotted path) is also visited in its parts, so
 * "reservation 8JX2WO." and "mia@example.com" both yield the id a user meant.
 */
export function forEachToken(text: string, visit: (token: string) => void): void {
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) visitToken(match[0], visit);
}

/**
 * `forEachToken` over part of a long text, resumable: reads on from `from` until a token ends at or
 * past `until` (each token whole), and returns where the next call starts.
 */
export function forEachTokenBetween(text: string, from: number, until: number, visit: (token: string) => void): number {
  TOKEN.lastIndex = from;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    visitToken(match[0], visit);
    if (TOKEN.lastIndex >= until) return TOKEN.lastIndex;
  }
  return text.length;
}

/** Calls `visit` with the normalized form of one run of token characters, and of its parts when it holds `.` or `@`. */
export function visitToken(run: string, visit: (token: string) => void): void {
  const token = normalizeId(run);
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

/** The tokens of an id value: one for a plain id, several for a value with spaces or separators. */
export function idTokens(value: string): string[] {
  const whole = normalizeId(value);
  if (whole === undefined) return [];
  TOKEN.lastIndex = 0;
  const first = TOKEN.exec(whole);
  if (first !== null && first[0].length === whole.length) return [whole];
  const tokens: string[] = [];
  forEachToken(value, (token) => tokens.push(token));
  return tokens;
}
