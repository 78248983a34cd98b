/**
 * Numbers people write in groups: "order 123-456-789", "account 4421 486", "ref 12.345.678", and in
 * thousands as their language writes them ("1,234,567", "12.345.678", "1 234 567" with a space or a
 * no-break space, Swiss "1'234'567", Indian "12,34,567"). A model asked to look one up often passes the
 * digits alone (`1234567`), which is the same id, not an invented one; the groups themselves are tokens
 * already (`forEachToken`).
 */

import { MARK_CLASS, UNSPACED_CLASS } from './unspaced-scripts.js';

/** A token's letter or digit goes on a number written against it, unless it is of a script written without spaces (`注文番号123-456-789です`), as in `tokens.ts`. */
const NOT_UNSPACED = `(?![${UNSPACED_CLASS}])`;
/**
 * What separates a number's groups: a space (also the no-break, narrow no-break and thin spaces French
 * and SI typesetting put there), `.`, `-`, and the thousands separators `,`, `'` and `’`. One character
 * each: "1, 2, 3" is a list, not a number.
 */
const SEPARATOR = "[ \\u00A0\\u2009\\u202F.,'\\u2019-]";
/**
 * Groups of digits joined by one separator each, standing alone: not the end or the start of a longer
 * token (`ord_123-456-789`, `123-456-abc`, a word and the marks on its last letter before it), nor of a longer number (the groups after a `1,` or a
 * decimal part after them, `1,234,567.89`, are read with the number, which `joined` then refuses).
 */
const GROUPED = new RegExp(
  `(?<!${NOT_UNSPACED}[\\p{L}\\p{N}_.-][${MARK_CLASS}]*|\\d[,'\\u2019])\\d+(?:${SEPARATOR}\\d+)+(?!${NOT_UNSPACED}[\\p{L}${MARK_CLASS}\\p{N}_]|[.-]${NOT_UNSPACED}[\\p{L}\\p{N}_]|[,'\\u2019]\\d)`,
  'gu',
);
/** What every grouped number holds: the cheap test before the expression above. */
const MAY_HOLD_GROUPS = new RegExp(`\\d${SEPARATOR}\\d`);
/** The separators of a number, one at a time. */
const SEPARATORS = new RegExp(SEPARATOR, 'g');
/** Fewer digits than this joined are a short number ("12 34"), not an id a model would look up. */
const MIN_DIGITS = 6;
/** Longer runs are tables of numbers, not one id. */
const MAX_DIGITS = 32;

/**
 * Calls `visit` with the digits of every grouped number in `text` written without its separators, in
 * one linear pass (each repetition of the pattern needs a separator, so it never backtracks).
 */
export function forEachGroupedNumber(text: string, visit: (digits: string) => void): void {
  // Most text holds none: one native search for two digits around a separator tells.
  if (!MAY_HOLD_GROUPS.test(text)) return;
  GROUPED.lastIndex = 0;
  for (let match = GROUPED.exec(text); match !== null; match = GROUPED.exec(text)) {
    const digits = joined(match[0]);
    if (digits !== undefined) visit(digits);
  }
}

/** Whether `text` may hold a number in groups (two digits around a separator): most text does not. */
export function mayHoldGroupedNumbers(text: string): boolean {
  return MAY_HOLD_GROUPS.test(text);
}

/**
 * `forEachGroupedNumber` over part of a long text, resumable: reads on from `from` until a number ends
 * at or past `until` (each whole), and returns where the next call starts.
 */
export function forEachGroupedNumberBetween(text: string, from: number, until: number, visit: (digits: string) => void): number {
  GROUPED.lastIndex = from;
  for (let match = GROUPED.exec(text); match !== null; match = GROUPED.exec(text)) {
    const digits = joined(match[0]);
    if (digits !== undefined) visit(digits);
    if (GROUPED.lastIndex >= until) return GROUPED.lastIndex;
  }
  return text.length;
}

/**
 * The digits of a grouped number without its separators, when there are as many as an id has and it is
 * not a date, an address, an amount with decimals or a list ("12,34" is two numbers, "1,5" a decimal).
 */
function joined(grouped: string): string | undefined {
  const digits = grouped.replace(SEPARATORS, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return undefined;
  const groups = grouped.split(SEPARATORS);
  if (startsWithDate(groups)) return undefined;
  const thousandsMark = thousandsSeparator(grouped);
  if (thousandsMark !== undefined) return inThousands(grouped, groups, thousandsMark) ? digits : undefined;
  return grouped.includes('.') && !dottedId(groups) ? undefined : digits;
}

/** `,`, `'` or `’` when the number holds one: a mark that only ever separates thousands (or an amount's decimals). */
function thousandsSeparator(grouped: string): string | undefined {
  for (let index = 0; index < grouped.length; index += 1) {
    const code = grouped.charCodeAt(index);
    if (code === 44 || code === 39 || code === 0x2019) return grouped[index];
  }
  return undefined;
}

/**
 * Whether a number with a thousands mark is written in thousands, and with that mark alone: groups of
 * three after a first of one to three (`1,234,567`, `1'234'567`), or, with commas, the Indian lakh and
 * crore (`12,34,567`: groups of two after a first of one or two, three last). Another separator in it
 * makes it an amount (`12.345.678,90`, `1,234.56`) or a list, not one id.
 */
function inThousands(grouped: string, groups: readonly string[], mark: string): boolean {
  if (groups.length - 1 !== grouped.split(mark).length - 1) return false;
  const [first, ...rest] = groups as [string, ...string[]];
  if (first.length <= 3 && rest.every((group) => group.length === 3)) return true;
  if (mark !== ',' || first.length > 2 || rest.length < 2) return false;
  return rest[rest.length - 1]!.length === 3 && rest.slice(0, -1).every((group) => group.length === 2);
}

/** 2024-05-20, 20.05.2024, 05 20 2024, and a build number or timestamp opening with one (2024.05.20.1137). */
export function startsWithDate(groups: readonly string[]): boolean {
  if (groups.length < 3) return false;
  const [a, b, c] = groups as [string, string, string];
  const year = (group: string) => group.length === 4 && (group.startsWith('19') || group.startsWith('20'));
  const dayOrMonth = (group: string) => group.length <= 2 && Number(group) >= 1 && Number(group) <= 31;
  return (year(a) && dayOrMonth(b) && dayOrMonth(c)) || (dayOrMonth(a) && dayOrMonth(b) && year(c));
}

/**
 * Dots join an id's groups less often than they write other numbers: a decimal (1234.56), a version
 * (10.0.19045.2006), an IP address (10.20.30.40). They are an id's groups in thousands (12.345.678)
 * and in a phone number's or account's groups of two to four digits (555.123.4567, 01.23.45.67.89),
 * never in four groups that read as an IP address.
 */
function dottedId(groups: readonly string[]): boolean {
  if (groups.length === 4 && groups.every((group) => group.length <= 3 && Number(group) <= 255)) return false;
  const thousands = groups[0]!.length <= 3 && groups.slice(1).every((group) => group.length === 3);
  return thousands || (groups.length >= 3 && groups.every((group) => group.length >= 2 && group.length <= 4));
}

const WHOLE_GROUPED = new RegExp(`^\\d+(?:${SEPARATOR}\\d+)+$`);

/**
 * The digits of an id that is itself a number in groups (`123-456-789` gives `123456789`), or undefined:
 * the id a model wrote in groups names the same record as the digits a user typed without them.
 */
export function groupedDigits(id: string): string | undefined {
  return id.length <= MAX_DIGITS * 2 && WHOLE_GROUPED.test(id) ? joined(id) : undefined;
}

/**
 * The digits joined of each token that is a number in groups (`123-456-789`, `12.345.678`: one token each,
 * as content is tokenized), for ids a tool result wrote in groups and a model passes as digits alone. Tokens
 * in `except` are left out, and so are their digits (a result echoing the call's own argument vouches for
 * neither). Tokens that do not start with a digit are passed over at one character's cost.
 */
export function joinedGroupedTokens(tokens: readonly string[], except?: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const token of tokens) {
    const first = token.charCodeAt(0);
    if (first < 48 || first > 57 || except?.has(token)) continue;
    const digits = groupedDigits(token);
    if (digits !== undefined && !except?.has(digits)) found.push(digits);
  }
  return found;
}

/**
 * The digits joined of every number in groups a content holds: its tokens that are one (`joinedGroupedTokens`, the
 * whole content) and those written with spaces, whose groups are separate tokens (read in `text`, the start of the
 * content that is kept as text).
 */
export function joinedNumbersOf(content: { tokenList: readonly string[]; text: string }, except?: ReadonlySet<string>): string[] {
  const found = joinedGroupedTokens(content.tokenList, except);
  forEachGroupedNumber(content.text, (digits) => found.push(digits));
  return found;
}
