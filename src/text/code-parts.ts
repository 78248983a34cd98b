/**
 * Codes written in parts: a code's letters, then its numbers, with a separator between parts
 * (`ORD-2024-000123`, `ORD_2024_000123`, `ORD.2024.000123`, `ORD/2024/000123`, `ORD 2024 000123`). People
 * and tools write one code with any of them, or none (`ORD2024000123`), and a model passes it on in
 * another form than it read: the same record, not an invented id. A code's key is its letters and digits
 * run together, lower case (`ord2024000123`): trusted text records the key of each code in parts it
 * writes, and a call's code in parts is known when its key, or its parts joined by another separator, is.
 *
 * Which writings are codes: 1 to 8 ASCII letters, then numbers of digits only, at least 3 digits in all,
 * each separator one character (`-`, `_`, `.`, `/` or a space). A code split by a space or `/` (read as
 * separate tokens) counts only with its letters in capitals (`ORD 2024 000123`): a prose word before a
 * number is no code part ("order 2024 has 000123 items"), and neither is a number past a sentence's end
 * ("ORD. 2024", two characters apart).
 */

import { MARK_CLASS, UNSPACED_CLASS } from './unspaced-scripts.js';

const NOT_UNSPACED = `(?![${UNSPACED_CLASS}])`;
/**
 * A code in parts standing alone, at a given start (sticky): not the end or start of a longer token
 * (`xord_2024_1`, `ord_2024_1b`). The first separator may be left out (`ORD2024-000123`); `recordedKey`
 * tells whether it is a code in parts.
 */
const CODE_AT = new RegExp(
  `(?<!${NOT_UNSPACED}[\\p{L}\\p{N}_.#-][${MARK_CLASS}]*)#?[A-Za-z]{1,8}[ /_.-]?\\d+(?:[ /_.-]\\d+)*(?!${NOT_UNSPACED}[\\p{L}${MARK_CLASS}\\p{N}_]|[/_.-]${NOT_UNSPACED}[\\p{L}\\p{N}])`,
  'uy',
);
/**
 * What every code in parts holds, searched for first: capitals and a number apart (`ORD 2024`), or two
 * numbers apart (`2024_000123`). Most text holds none, and where one is, the code around it is read from
 * there: trying the expression above at every character cost 2.5 ms on 64K characters of records. A code
 * of two parts joined by `-`, `_` or `.` (`W-2378156`) is found by its other forms when a call uses it
 * (`codeVariants`), not recorded.
 */
const HINT = /[A-Z][ /]\d|\d[ /_.-]\d/g;
const MAY_HOLD_CODES = new RegExp(HINT.source);
/** A whole value that is a code, in parts or not, for a call's id: letters, then numbers. */
const WHOLE_CODE = /^#?([A-Za-z]{1,8})([ /_.-]?)(\d+)((?:[ /_.-]\d+)*)$/;
const PART_SEPARATOR = /[ /_.-]/;
/** Fewer digits are a count or a short number ("A 12"), not a code. */
const MIN_DIGITS = 3;
/** Values longer than this are no one code. */
const MAX_CODE_LENGTH = 64;

/**
 * The key of a code in parts found in text (`ORD 2024 000123`, `ord_2024_000123`), or undefined for a
 * writing that is no code in parts: no separator, too few digits, letters and one number joined by `-`,
 * `_` or `.` (`W-2378156`: `codeVariants` finds that form from the others), or a split one whose letters
 * are not capitals.
 */
function recordedKey(found: string): string | undefined {
  const code = found.charCodeAt(0) === 35 ? found.slice(1) : found;
  const parts = WHOLE_CODE.exec(code);
  if (parts === null) return undefined;
  const [, letters, first, , rest] = parts as unknown as [string, string, string, string, string];
  const separators = first + rest.replace(/\d+/g, '');
  if (separators.length === 0) return undefined;
  const split = separators.includes(' ') || separators.includes('/');
  if (split ? letters !== letters.toUpperCase() : rest === '') return undefined;
  return keyOf(code);
}

/** The letters and digits of a code, run together, lower case; undefined with too few digits. */
function keyOf(code: string): string | undefined {
  let key = '';
  let digits = 0;
  for (let index = 0; index < code.length; index += 1) {
    const char = code[index]!;
    if (PART_SEPARATOR.test(char) || char === '#') continue;
    if (char >= '0' && char <= '9') digits += 1;
    key += char;
  }
  return digits >= MIN_DIGITS ? key.toLowerCase() : undefined;
}

/**
 * Calls `visit` with the key of every code in parts in `text` (`ORD 2024 000123` gives `ord2024000123`),
 * in one linear pass.
 */
export function forEachCodeInParts(text: string, visit: (key: string) => void): void {
  if (MAY_HOLD_CODES.test(text)) forEachCodeInPartsBetween(text, 0, text.length, visit);
}

/** Whether `text` may hold a code in parts: most text does not. */
export function mayHoldCodesInParts(text: string): boolean {
  return MAY_HOLD_CODES.test(text);
}

/**
 * `forEachCodeInParts` over part of a long text, resumable: reads on from `from` until a code ends at or
 * past `until` (each whole), and returns where the next call starts. Each place that may hold a code
 * (`HINT`) is read back to the letters it follows (at most a code's length, never before where the last
 * code ended) and the code tried there once; a place that holds none is passed with the digits and
 * separators around it, so a long run of them is read a bounded number of times.
 */
export function forEachCodeInPartsBetween(text: string, from: number, until: number, visit: (key: string) => void): number {
  let floor = from;
  HINT.lastIndex = from;
  for (let hint = HINT.exec(text); hint !== null; hint = HINT.exec(text)) {
    const start = codeStart(text, hint.index, floor);
    let next = -1;
    if (start >= 0) {
      CODE_AT.lastIndex = start;
      const found = CODE_AT.exec(text);
      if (found !== null) {
        const key = recordedKey(found[0]);
        if (key !== undefined) visit(key);
        next = CODE_AT.lastIndex;
      }
    }
    if (next < 0) next = pastDigits(text, hint.index + 1);
    floor = next;
    HINT.lastIndex = next;
    if (next >= until) return next;
  }
  return text.length;
}

/** `0-9`, a space, `/`, `_`, `.`, `-`: what a code's numbers and separators are written with. */
function isDigitOrSeparator(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 32 || code === 47 || code === 95 || code === 46 || code === 45;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Where the code a hint at `at` may belong to starts (its `#` or first letter), or -1 when no letters come before its numbers. */
function codeStart(text: string, at: number, floor: number): number {
  const limit = Math.max(floor, at - MAX_CODE_LENGTH);
  let index = at + 1;
  while (index > limit && isDigitOrSeparator(text.charCodeAt(index - 1))) index -= 1;
  const lettersEnd = index;
  while (index > limit && isAsciiLetter(text.charCodeAt(index - 1))) index -= 1;
  if (index === lettersEnd) return -1;
  return index > limit && text.charCodeAt(index - 1) === 35 ? index - 1 : index;
}

/** The end of the run of digits and separators at or after `from`. */
function pastDigits(text: string, from: number): number {
  let index = from;
  while (index < text.length && isDigitOrSeparator(text.charCodeAt(index))) index += 1;
  return index;
}

/**
 * The other writings of a code a call names (a token or a whole value), lower case, that trusted text may
 * have recorded it by: its key (`ORD-2024-000123`, `ORD 2024 000123` give `ord2024000123`), its parts joined
 * by `-`, `_` or `.` each (`ord_2024_000123`), and for letters against one number (`W2378156`) the number
 * set apart by each (`w-2378156`). Empty for a value that is no code, or has too few digits.
 */
export function codeVariants(value: string): string[] {
  if (value.length > MAX_CODE_LENGTH) return [];
  const parts = WHOLE_CODE.exec(value.trim());
  if (parts === null) return [];
  const [whole, letters, first, number, rest] = parts as unknown as [string, string, string, string, string];
  const key = keyOf(whole);
  if (key === undefined) return [];
  const numbers = rest === '' ? [number] : [number, ...rest.slice(1).split(PART_SEPARATOR)];
  const lower = letters.toLowerCase();
  const variants: string[] = [];
  if (first !== '' || rest !== '') variants.push(key);
  // (A code of letters against one number is written with the number set apart too.)
  if (first !== '' || numbers.length === 1) for (const separator of ['-', '_', '.']) variants.push([lower, ...numbers].join(separator));
  const written = whole.replace(/^#/, '').toLowerCase();
  return variants.filter((variant) => variant !== written);
}
