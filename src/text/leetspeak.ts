/**
 * Leetspeak: digits written for the letters they look like ("1gn0re prev10us 1nstruct10ns", "5y5tem
 * pr0mpt"). A model reads the words; a filter reading the characters does not. The injection scanner's
 * anchor pass tells such words (`leetWordHash`) and, where the text holds an anchor word (one spelled so
 * counts), the rules read them with those digits as letters (`spellLeetWords`). Ids, versions, amounts and
 * hashes ("ord_1001", "v2.3.1", "A1", "sha1", "f0dee4b") are not words so spelled and stay as written.
 */
import { TOKEN_HASH_SEED } from './token-table.js';

/** The letter each digit stands for (0 o, 1 i, 3 e, 4 a, 5 s, 7 t; `1` is `l` in places, `letterOfOne`), by code; 0 for digits that stand for none. */
const LETTER_OF_DIGIT = new Uint8Array(58);
LETTER_OF_DIGIT[48] = 111;
LETTER_OF_DIGIT[49] = 105;
LETTER_OF_DIGIT[51] = 101;
LETTER_OF_DIGIT[52] = 97;
LETTER_OF_DIGIT[53] = 115;
LETTER_OF_DIGIT[55] = 116;

/** Vowels by lower-case code, the digits that stand for one included (0 o, 3 e, 4 a). */
const VOWEL = new Uint8Array(123);
for (const char of 'aeiou034') VOWEL[char.charCodeAt(0)] = 1;

/**
 * The letter the digit `1` at `index` of the word `[start, end)` stands for: `l` between two vowels or beside
 * another `1` ("ru1es", "de1ete", "a11", "fo11ow": a vowel pair around an `i` is rare in English, around an `l` common),
 * else `i` ("1gn0re", "prev10us", "ema1l").
 */
function letterOfOne(text: string | Uint16Array, index: number, start: number, end: number): number {
  const before = index > start ? codeAt(text, index - 1) | 32 : 0;
  const after = index + 1 < end ? codeAt(text, index + 1) | 32 : 0;
  if (before === 49 || after === 49) return 108;
  return VOWEL[before] === 1 && VOWEL[after] === 1 ? 108 : 105;
}

/** The code unit at `offset` of a string or of its code units. */
function codeAt(text: string | Uint16Array, offset: number): number {
  return typeof text === 'string' ? text.charCodeAt(offset) : text[offset]!;
}

/** Shortest word read as leetspeak: "4gent" is one, "A1" (a spreadsheet's cell, not "AI") and "5am" are not. */
export const MIN_LEET_WORD = 4;

/**
 * The hash a word run `[A-Za-z0-9_]+` of `text` (a string or its code units) would have written with letters
 * (the tokenizer's hash of the lower-cased word), or 0 when it is not leetspeak: it holds `_`, ends in a digit,
 * holds no digit that stands for a letter, a digit that stands for none, as many digits as letters or more, only
 * the letters a to f, or a capital after a small letter ("ord_1001", "GB33BUKB2020", "2fa", "sha1", a commit's
 * "f0dee4b", "ModelV3Warning" are not words spelled with digits).
 */
export function leetWordHash(text: string | Uint16Array, start: number, end: number): number {
  if (end - start < MIN_LEET_WORD) return 0;
  // A digit last is a version or a count ("sha1", "ipv4", "es2015"), not a letter.
  if (codeAt(text, end - 1) <= 57) return 0;
  let hash = TOKEN_HASH_SEED;
  let letters = 0;
  let digits = 0;
  // Whether every letter is one of a hexadecimal number's (a commit's "f0dee4b"), and whether the last was lower case.
  let hex = true;
  let lower = false;
  for (let index = start; index < end; index += 1) {
    let code = codeAt(text, index);
    // No anchor word holds `_` ("item_123"): read no further.
    if (code === 95) return 0;
    if (code <= 57) {
      code = code === 49 ? letterOfOne(text, index, start, end) : (LETTER_OF_DIGIT[code] ?? 0);
      if (code === 0) return 0;
      digits += 1;
    } else {
      // A capital after a small letter is an identifier's ("LanguageModelV3ToolResult"), not a word's.
      if (code <= 90 && lower) return 0;
      lower = code >= 97;
      code |= 32;
      letters += 1;
      if (code > 102) hex = false;
    }
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return digits === 0 || digits >= letters || hex ? 0 : hash >>> 0;
}

/**
 * `text` with the words at `words` (start and end pairs, each leetspeak as `leetWordHash` tells, in order) written
 * with letters: the anchor pass, which reads every word, gives them, so the text is not read again for them.
 */
export function spellLeetWords(text: string, words: readonly number[]): string {
  if (words.length === 0) return text;
  // The text's bytes, copied and changed in place (one string built at the end): Latin-1 where every character fits
  // one byte (a string built from UTF-16 would be one of two-byte characters, which the rules read twice as slowly),
  // else UTF-16LE, where a digit's code unit is its low byte at twice its index.
  const width = WIDE.test(text) ? 2 : 1;
  const bytes = Buffer.from(text, width === 1 ? 'latin1' : 'utf16le');
  for (let word = 0; word < words.length; word += 2) {
    const start = words[word]!;
    const end = words[word + 1]!;
    // A word in capitals gets capitals ("1GN0RE" reads "IGNORE"): its case is read by some rules.
    let capitals = 32;
    for (let at = start; at < end; at += 1) if (text.charCodeAt(at) >= 97) capitals = 0;
    for (let at = start; at < end; at += 1) {
      const code = text.charCodeAt(at);
      if (code <= 57) bytes[width * at] = (code === 49 ? letterOfOne(text, at, start, end) : LETTER_OF_DIGIT[code]!) - capitals;
    }
  }
  return bytes.toString(width === 1 ? 'latin1' : 'utf16le');
}

/** A character beyond Latin-1. */
const WIDE = /[^\x00-\xff]/;

