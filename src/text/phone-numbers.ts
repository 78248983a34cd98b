/**
 * Phone numbers as people write them, read the same way in content and in a call's destination:
 * `+1 (555) 010-0199`, `(555) 010-0199`, `tel:+1-555-010-0199`, `+44 (0)20 7946 0958`, `0049/30/1234567`,
 * `555.010.0199`, with or without an extension (`ext. 12`, `x12`, `;ext=12`). The token reader cuts such
 * a number at its parentheses and slashes (`555`, `010-0199`), and a number in groups is joined only as
 * written (`grouped-numbers.ts`), so content's `+1 (555) 010-0199` would not vouch for (or taint) the
 * `15550100199` or `555-010-0199` a model passes.
 *
 * A number's forms are its digits as dialled: with its country code (a `+` or `00` prefix dropped), and
 * without it (the national number; E.164 codes are a prefix code, so the first digits say how long the
 * code is, written apart or not: `+44 20 ...` and `+442079460958` are `44` and `2079460958`); a national
 * number without its trunk `0` (`020 7946 0958` is `20 7946 0958` after `+44`), and `1` and ten digits
 * without the `1` (the North American plan's own prefix). Two writings name the same phone when they
 * share a form; each side lists all of its forms, so neither side has to guess the other's, except that
 * a country code written is kept: `+44 555 010 0199` is not `+1 555 010 0199` (`phoneDestinationOf`
 * has the rule). An extension is not part of the number: it routes a
 * call inside the switchboard the number reaches, so `+1 555 010 0199 ext. 12` and `+1 555 010 0199` are
 * one destination (a number the user gave with an extension vouches for the bare number, and back).
 */

import { startsWithDate } from './grouped-numbers.js';
import { MARK_CLASS, UNSPACED_CLASS } from './unspaced-scripts.js';

/** Fewer digits are a short code or a count; more are no phone number (E.164 caps it at 15). */
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;
const MAX_WRITTEN = 48;

/**
 * One separator between a number's groups: a space (or a no-break, thin or narrow no-break one), `.`, `-`
 * or `/`, or another dash a word processor or a typeset page puts there (`555–010–0199`: U+2010 to U+2015,
 * and the minus sign U+2212), read as `-`.
 */
const DASHES = '\\u2010-\\u2015\\u2212';
const SEPARATOR_CHARS = ` .\\-/\\u00a0\\u2009\\u202f${DASHES}`;
const SEPARATOR = `[${SEPARATOR_CHARS}]`;
/** One of those other dashes. */
const OTHER_DASH = new RegExp(`[${DASHES}]`);
/**
 * A number written with groups in content: an optional `+`, then groups of digits, each after one
 * separator, or a group in parentheses (with or without a separator before it, and a group right after
 * its `)`). Not the end or the start of a longer token. Linear: a group of digits is followed by a
 * separator or a parenthesis, never by another group of digits, so no position is tried two ways.
 */
const WRITTEN = new RegExp(
  `(?<![A-Za-z0-9_+(.\\-/${DASHES}])\\+?(?:\\(\\d{1,5}\\)|\\d{1,15})(?:${SEPARATOR}?\\(\\d{1,5}\\)|${SEPARATOR}\\d{1,15}|(?<=\\))\\d{1,15})*`,
  'g',
);
/**
 * A letter, digit or mark outside ASCII right before a number glues it to a word (`Nr١٢+1 555...`), unless
 * it is of a script written without spaces (`電話+81 3-1234-5678`), as for every reader (`tokens.ts`).
 * Tested only when such a character is there: the expression above is ASCII, twice as fast as a Unicode one.
 */
const GLUED_BEFORE = new RegExp(`[[\\p{L}\\p{N}${MARK_CLASS}]--[${UNSPACED_CLASS}]]$`, 'v');
/** What a writing the token and group readers miss holds: `+` or `(` before a digit, a `/` or a dash but `-` between digits, or a group opening with `0`. */
const MAY_HOLD = new RegExp(`[+(]\\d|\\d\\/\\d|(?<!\\d)0\\d*${SEPARATOR}\\d|\\d[${DASHES}]\\d`);
/** `tel:` (RFC 3966) before a number, and its parameters after (`;ext=12`, `;phone-context=...`). */
const TEL_PREFIX = /^tel:/i;
const TEL_PARAMETERS = /;.*$/s;
/** An extension after a number: `ext. 12`, `ext 12`, `extension 12`, `x12`, `x 12`, `#12`, `;ext=12`. */
const EXTENSION = /(?:;ext=|\s*(?:,\s*)?(?:ext(?:ension)?\.?|x|#)\s*)\d{1,6}$/i;
/** A whole value that is one phone number once its extension and `tel:` parts are gone. */
const WHOLE = new RegExp(`^\\+?\\(?\\d[\\d()${SEPARATOR_CHARS}]{4,30}\\d$`);
const NON_DIGITS = /\D/g;

/** A number read into its digits: with its country code when written with one, and its national number. */
interface PhoneParts {
  /** The digits as dialled, a `+` or `00` prefix and a `(0)` trunk dropped (`15550100199`, `02079460958`). */
  digits: string;
  /** The country code, when the number was written with one (`+1 ...`, `0044 ...`). */
  country?: string;
  /** The national number: after the country code, or without a trunk `0` or the North American `1` (`5550100199`). */
  national?: string;
}

function phoneParts(written: string): PhoneParts | undefined {
  // Fifteen digits, their separators and a country code's parentheses fit in far less: longer is a table of numbers.
  if (written.length > MAX_WRITTEN || digitCount(written) < MIN_DIGITS) return undefined;
  const international = written.startsWith('+') || written.startsWith('00');
  const groups = written.split(/[^\d]+/).filter((group) => group !== '');
  if (holdsDate(groups)) return undefined;
  // `(2) 2024`: a list's item number, not an area code (two digits at least, or the trunk `(0)`).
  if (written.includes('(') && /\([1-9]\)/.test(written)) return undefined;
  // `+44 (0)20 7946 0958`: the `(0)` is the trunk prefix dialled at home, never after the country code.
  const dialled = international ? written.replace(/\(0\)/g, '') : written;
  let digits = dialled.replace(NON_DIGITS, '');
  if (international && written.startsWith('00')) digits = digits.slice(2);
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return undefined;
  if (international) {
    // The national number: what follows the country code, however the writer grouped it (`+442079460958`, `+44 20 ...`).
    const length = countryCodeLength(digits);
    return { digits, country: digits.slice(0, length), national: digits.slice(length) };
  }
  // `1 555 010 0199`, `1-555-010-0199`: the plan's own prefix, then ten digits; `020 7946 0958`: the trunk prefix, not dialled from abroad.
  if ((digits.length === 11 && digits.startsWith('1')) || (digits.startsWith('0') && !digits.startsWith('00'))) return { digits, national: digits.slice(1) };
  return { digits };
}

/**
 * The forms of one phone number as written, as content records them (`+1 (555) 010-0199`: `15550100199`,
 * `+5550100199`; `(555) 010-0199`: `5550100199`), or `undefined` when it is none: fewer than 7 or more than 15
 * digits, or a date (`05/01/2024`). A national number read from a writing with a country code is marked
 * with a `+` (`+5550100199`): it names the number in that country, not the same digits in another
 * (`phoneDestinationOf`). `written` is the number alone, without `tel:` or an extension (`phoneNumberOf` strips those).
 */
export function phoneForms(written: string): string[] | undefined {
  const parts = phoneParts(written);
  return parts === undefined ? undefined : formsOf(parts);
}

function formsOf({ digits, country, national }: PhoneParts): string[] {
  if (national === undefined || national.length < MIN_DIGITS) return [digits];
  return [digits, country === undefined ? national : PLACED + national];
}

/** The mark of a national number whose writing gave its country (`+5550100199` from `+1 555 010 0199`). */
const PLACED = '+';

/** A national number of the North American plan (ten digits, the area code not starting with `0` or `1`). */
const NORTH_AMERICAN = /^[2-9]\d{9}$/;

/**
 * A phone number a call sends to (`phoneDestinationOf`). `token` first, then `forms`, are the number itself:
 * any seen in trusted context vouches for it, else any seen in untrusted content taints it. `national` is
 * set when the call wrote the number with a country code (`NationalNumber`).
 */
export interface PhoneDestination {
  token: string;
  forms: string[];
  national?: NationalNumber;
}

/**
 * The national number of a phone a call wrote with a country code (`+44 555 010 0199`), as content may
 * have written it without one (`555 010 0199`): `digits` vouch for the call's number only where trusted
 * context wrote them with no country code at all (`placed`, `+5550100199`, is how a writing with one
 * records them), and, unless `first`, only where no content wrote the number with the call's country code.
 * An untrusted writing of the digits, with a country code or without, taints it.
 */
export interface NationalNumber {
  digits: string;
  placed: string;
  /** Under `+1`, a national number of the North American plan's shape: the same number before anything else. */
  first: boolean;
}

/**
 * The phone a value a call passes names (`+1 555 010 0199`, `tel:+1-555-010-0199`, `(555) 010-0199 ext. 12`),
 * or `undefined` for anything else. The rule, for an attacker who swaps the country code to send money
 * or a message abroad and for a user who types the national number a tool wants in E.164:
 *
 * - A number with a country code (`+44 555 010 0199`) is that number in that country. Content that wrote it
 *   with the same code vouches for it or taints it first. A trusted writing of its national digits without
 *   any country code (`555 010 0199`) vouches for it only when no content wrote it with that code (the
 *   country was the caller's to add) and no trusted content wrote the digits with a country code (then the
 *   session has the number's country, and another is another number). So a page's `+44 555 010 0199` is
 *   refused though the user typed `555 010 0199` or `+1 555 010 0199`.
 * - A national number of the North American plan's shape (ten digits, not starting with `0` or `1`)
 *   written without a country is that number under `+1`: the user's `555 010 0199` vouches for
 *   `+1 555 010 0199` even where a page wrote `+1 555 010 0199` too.
 * - A number without a country code (`555-010-0199`, `020 7946 0958`) names no country, so any writing of
 *   its national digits, with a country code or without, vouches for it or taints it.
 */
export function phoneDestinationOf(value: string): PhoneDestination | undefined {
  const parts = phoneParts(wholePhone(value) ?? '');
  if (parts === undefined) return undefined;
  const { digits, country, national } = parts;
  if (national === undefined || national.length < MIN_DIGITS) return { token: digits, forms: country === undefined ? [PLACED + digits] : [] };
  if (country === undefined) return { token: digits, forms: [national, PLACED + national] };
  return { token: digits, forms: [], national: { digits: national, placed: PLACED + national, first: country === '1' && NORTH_AMERICAN.test(national) } };
}

/**
 * The two-digit country codes of ITU-T E.164; the others are one digit (`1`, the North American plan, and
 * `7`) or three. The codes are a prefix code, so a number's first digits say how long its code is.
 */
const TWO_DIGIT_COUNTRY_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66',
  '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
]);

/** How many leading digits of an international number (`+` or `00` dropped) are its country code. */
function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT_COUNTRY_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/** Most writings a scan meets are too short to be a phone (`+12.50`, `(2)`): counted before anything is built. */
function digitCount(written: string): number {
  let count = 0;
  for (let index = 0; index < written.length; index += 1) {
    const code = written.charCodeAt(index);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
}

/** A date anywhere in a number's groups (`05/01/2024 10`, `(12) 2024-05-01`): three groups that read as one. */
function holdsDate(groups: readonly string[]): boolean {
  for (let index = 0; index + 3 <= groups.length; index += 1) if (startsWithDate(groups.slice(index, index + 3))) return true;
  return false;
}

/**
 * The forms content records for a value that is one phone number and nothing else (`+1 555 010 0199`,
 * `tel:+1-555-010-0199`, `(555) 010-0199 ext. 12`); `undefined` for anything else. A call's destination is
 * read by `phoneDestinationOf`; this is the content side of the same value (the tests compare the two).
 */
export function phoneNumberOf(value: string): string[] | undefined {
  const written = wholePhone(value);
  return written === undefined ? undefined : phoneForms(written);
}

/** A value that is one phone number, without its `tel:` parts and extension; `undefined` for anything else. */
function wholePhone(value: string): string | undefined {
  let text = value.trim();
  if (text.length > 64) return undefined;
  if (TEL_PREFIX.test(text)) text = text.slice(4).replace(TEL_PARAMETERS, '');
  text = text.replace(EXTENSION, '');
  return WHOLE.test(text) ? text : undefined;
}

/** Whether `text` may hold a phone number the token and group readers miss: most text does not. */
export function mayHoldPhoneNumbers(text: string): boolean {
  return MAY_HOLD.test(text);
}

/**
 * Calls `visit` with every form of every phone number in `text` written with a `+`, parentheses, a `/`
 * or a trunk `0` (`+1 (555) 010-0199`, `0049/30/1234567`, `020 7946 0958`), in one linear pass. Other
 * numbers in groups are the group reader's (`grouped-numbers.ts`).
 */
export function forEachPhoneNumber(text: string, visit: (form: string) => void): void {
  if (!MAY_HOLD.test(text)) return;
  forEachPhoneNumberBetween(text, 0, text.length, visit);
}

/**
 * `forEachPhoneNumber` over part of a long text, resumable: reads on from `from` until a number ends at
 * or past `until` (each whole), and returns where the next call starts.
 */
export function forEachPhoneNumberBetween(text: string, from: number, until: number, visit: (form: string) => void): number {
  WRITTEN.lastIndex = from;
  for (let match = WRITTEN.exec(text); match !== null; match = WRITTEN.exec(text)) {
    const written = match[0];
    const end = WRITTEN.lastIndex;
    // A number run into a letter or a digit group past 6 digits is part of something else (`555-0199abc`, a long id).
    const next = text.charCodeAt(end);
    const glued = (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 95 || gluedBefore(text, match.index);
    if (!glued && marked(written)) for (const form of phoneForms(written) ?? []) visit(form);
    if (end >= until) return end;
  }
  return text.length;
}

function gluedBefore(text: string, start: number): boolean {
  return start > 0 && text.charCodeAt(start - 1) >= 128 && GLUED_BEFORE.test(text.slice(Math.max(0, start - 2), start));
}

/**
 * Whether a writing is one the other readers miss: a `+` (its national form), a parenthesis, a `/`, a
 * leading trunk `0` or `00` with groups after it, or three groups or more, one joined by a dash but `-`
 * (`555–010–0199`, `555 010–0199`; two, `1990–2000`, are a range). A bare number in groups is the group reader's.
 */
function marked(written: string): boolean {
  const first = written.charCodeAt(0);
  if (first === 43 || written.includes('(') || written.includes('/')) return true;
  // A trunk `0` (`020 7946 0958`) or the international `00` (`0044 20 7946 0958`), with groups after it.
  if (first === 48 && /\D/.test(written)) return true;
  if (!OTHER_DASH.test(written)) return false;
  let separators = 0;
  for (let index = 0; index < written.length; index += 1) {
    const code = written.charCodeAt(index);
    if (code < 48 || code > 57) separators += 1;
  }
  return separators >= 2;
}
