/**
 * Email addresses whose local part holds characters the token reader cuts at: RFC 5322 atext beyond
 * letters, digits and `_-.#` (`o'brien@x.test`, `a!b@x.test`, `eve+tag@x.test`, `{x}@x.test`) and a quoted
 * local part (`"eve smith"@x.test`). The token reader reads `o'brien@x.test` as `o` and `brien@x.test`, a
 * mailbox that is not the one mail goes to; so such an address is read whole, lower case, on both sides:
 * content records it (`forEachCutAddress`), and a call's destination is that one token (`cutAddressToken`).
 *
 * Prose stays prose: an address starts where its local part does, after a space or a character no local
 * part holds, and a local part's leading atext that no one types there (`'`, `{`, `|`: the quote in
 * `'eve@x.test'`) is dropped, so `Tom's email is tom@x.test` is `tom@x.test` and `'eve@x.test'` is
 * `eve@x.test`. `/`, `=`, `?`, `&` and `%` are atext too, but they glue URLs and query strings to the
 * address in them (`?email=eve@x.test`), so they end a local part here, and a call's value holding them
 * is no address (as before).
 */

import { foldFullWidth } from './cjk-text.js';

/** Local-part characters the token reader keeps in a token: letters, digits, `_`, `-`, `.`, `#`. */
const TOKEN_LOCAL = new Uint8Array(128);
/** Local-part characters it cuts at: `!$'*+^`{|}~`. */
const CUT_LOCAL = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code);
  TOKEN_LOCAL[code] = /[A-Za-z0-9_\-.#]/.test(char) ? 1 : 0;
  CUT_LOCAL[code] = /[!$'*+^`{|}~]/.test(char) ? 1 : 0;
}
/** Longest local part (RFC 5321) and domain read. */
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
/** A domain after the `@`: labels of letters, digits and `-`, at least two. */
const DOMAIN = /^[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/;

function isLocal(code: number): boolean {
  return code < 128 && (TOKEN_LOCAL[code] === 1 || CUT_LOCAL[code] === 1);
}

/** Where a local part starts once the atext no one types at its start is dropped (`'eve` starts at `e`). */
function localStart(text: string, from: number, at: number): number {
  let start = from;
  while (start < at) {
    const code = text.charCodeAt(start);
    if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95) break;
    start += 1;
  }
  return start;
}

function holdsCut(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index += 1) if (CUT_LOCAL[text.charCodeAt(index)] === 1) return true;
  return false;
}

/** The end of the domain after the `@` at `at` (a trailing `.` or `-`, a sentence's end, left out), or -1 when none is there. */
function domainEnd(text: string, at: number): number {
  let end = at + 1;
  const limit = Math.min(text.length, at + 1 + MAX_DOMAIN);
  while (end < limit) {
    const code = text.charCodeAt(end);
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 46)) break;
    end += 1;
  }
  while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end -= 1;
  return DOMAIN.test(text.slice(at + 1, end)) ? end : -1;
}

/**
 * The whole address, lower case, when `address` (one address, nothing around it) has a local part the
 * token reader would cut (`O'Brien@X.test` is `o'brien@x.test`); `undefined` when its tokens name it.
 */
export function cutAddressToken(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at > MAX_LOCAL + 2 || domainEnd(address, at) !== address.length) return undefined;
  if (address.charCodeAt(0) === 34) return quotedLocal(address, at) ? address.toLowerCase() : undefined;
  for (let index = 0; index < at; index += 1) if (!isLocal(address.charCodeAt(index))) return undefined;
  const start = localStart(address, 0, at);
  return start < at && holdsCut(address, start, at) ? address.slice(start).toLowerCase() : undefined;
}

/** Whether `address` up to `at` is one quoted local part (`"eve smith"`, `"eve\\"s"`). */
function quotedLocal(address: string, at: number): boolean {
  return at >= 3 && address.charCodeAt(at - 1) === 34 && quotedBetween(address, 0, at - 1);
}

/**
 * Whether what lies between the quotes at `open` and `close` is a quoted local part's content (RFC 5322):
 * printable ASCII but `"` and `\`, or a quoted pair, `\` and a printable character (`"eve\\"s"`, `"a\\\\b"`).
 * The pair is kept as written: `"eve\\s"` and `"eves"` are not taken for one mailbox.
 */
function quotedBetween(text: string, open: number, close: number): boolean {
  if (close - open < 2) return false;
  for (let index = open + 1; index < close; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 92) {
      index += 1;
      // A `\` that escapes the closing quote leaves the local part open.
      if (index >= close || !printable(text.charCodeAt(index))) return false;
    } else if (code === 34 || !printable(code)) return false;
  }
  return true;
}

function printable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** The full-width `＠` a CJK keyboard types, which NFKC (and a call's reader, `account-destinations.ts`) makes `@`. */
const WIDE_AT = '\uFF20';

/** Whether `text` may hold such an address: any `@` or `＠` (the cheap test; the scan reads from each one). */
export function mayHoldCutAddresses(text: string): boolean {
  return text.includes('@') || text.includes(WIDE_AT);
}

/** Calls `visit` with every address in `text` whose local part the token reader cuts, whole and lower case, in one linear pass. */
export function forEachCutAddress(text: string, visit: (address: string) => void): void {
  if (mayHoldCutAddresses(text)) forEachCutAddressBetween(text, 0, text.length, visit);
}

/**
 * The text the scan reads: with full-width ASCII read as ASCII when it holds a `＠` (`o'brien＠x.test`,
 * `ｏ'ｂｒｉｅｎ＠ｘ.ｔｅｓｔ` are `o'brien@x.test`, as the token reader and a call's reader read them), one
 * code unit for one, so positions are the same. The last text's is kept: a long message is read in slices.
 */
let lastText: string | undefined;
let lastRead = '';

function readable(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastRead = text.includes(WIDE_AT) ? foldFullWidth(text) : text;
  }
  return lastRead;
}

/**
 * `forEachCutAddress` over part of a long text, resumable: reads the addresses at each `@` from `from`
 * until one at or past `until`, and returns where the next call starts. Each `@` costs at most 64
 * characters back and 253 forward.
 */
export function forEachCutAddressBetween(written: string, from: number, until: number, visit: (address: string) => void): number {
  const text = readable(written);
  for (let at = text.indexOf('@', from); at >= 0; at = text.indexOf('@', at + 1)) {
    const address = addressAt(text, at);
    if (address !== undefined) visit(address);
    if (at >= until) return at + 1;
  }
  return text.length;
}

/** The cut or quoted address whose `@` is at `at`, lower case, or `undefined`. */
function addressAt(text: string, at: number): string | undefined {
  if (at === 0) return undefined;
  if (text.charCodeAt(at - 1) === 34) return quotedAddressAt(text, at);
  let from = at;
  const limit = Math.max(0, at - MAX_LOCAL);
  while (from > limit && isLocal(text.charCodeAt(from - 1))) from -= 1;
  // A local part longer than any: not read whole.
  if (from > 0 && from === limit && isLocal(text.charCodeAt(from - 1))) return undefined;
  const start = localStart(text, from, at);
  if (start === at || !holdsCut(text, start, at)) return undefined;
  const end = domainEnd(text, at);
  return end < 0 ? undefined : text.slice(start, end).toLowerCase();
}

/**
 * `"eve smith"@x.test`, `"eve\\"s"@x.test`: a quoted local part, opening after a character that is no
 * token's. Read back from the closing quote to the first `"` no odd run of `\` escapes (each character
 * looked at once or twice, at most 64 of them), then checked forward (`quotedBetween`).
 */
function quotedAddressAt(text: string, at: number): string | undefined {
  const limit = Math.max(0, at - 1 - MAX_LOCAL);
  let open = at - 2;
  while (open >= limit) {
    const code = text.charCodeAt(open);
    if (code === 34) {
      let escapes = 0;
      while (open - 1 - escapes >= limit && text.charCodeAt(open - 1 - escapes) === 92) escapes += 1;
      if (escapes % 2 === 0) break;
      open -= escapes + 1;
    } else if (printable(code)) open -= 1;
    else return undefined;
  }
  if (open < limit || open === at - 2) return undefined;
  if (open > 0 && isLocal(text.charCodeAt(open - 1))) return undefined;
  if (!quotedBetween(text, open, at - 1)) return undefined;
  const end = domainEnd(text, at);
  return end < 0 ? undefined : text.slice(open, end).toLowerCase();
}
