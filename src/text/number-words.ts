/**
 * The numbers and ids a free-text request names (`order #W1234567`, `$120.50`, `page 3`, `2024-05-20`), kept as a
 * fixed-size set: 128 bits, one bit per word that holds a digit. Two requests worded alike are still different
 * requests when each names a number the other does not (the same refund message for another order); a request
 * that only adds or drops one (a number word written in digits: "three" -> "3") is the same request reworded.
 */
import { finalize } from './hash.js';

/** Lanes of the set: 4 x 32 bits. A text naming dozens of numbers fills it, and then nothing reads as changed. */
export const NUMBER_LANES = 4;

/** FNV-1a of a word's letters and digits, as the pass below hashes it. */
function wordHash(word: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < word.length; index += 1) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
  return hash;
}

/**
 * Words that count a retry: the number after one (`attempt 2`, `retry #3`, `Versuch 2`), or the ordinal before one
 * (`2nd attempt`), is the retry's counter, not what the request is about, so a model that retries with its count in
 * the text is still retrying. Lower case (canonical text is), by hash, so the pass allocates nothing.
 */
const COUNTER_WORDS: ReadonlySet<number> = new Set(
  ['attempt', 'attempts', 'try', 'tries', 'retry', 'retrying', 'retries', 'iteration', 'versuch', 'intento', 'tentativa', 'tentative', 'tentativo', 'poging', 'próba', 'попытка'].map(wordHash),
);

/** `1st`, `2nd`, `3rd`, `4th`, `22nd`: digits and an English ordinal suffix. */
const ORDINAL = /^\d+(?:st|nd|rd|th)$/;

/**
 * Sets the bit of each whitespace-separated word of `text` that holds a digit into `lanes` at `offset`. A word is
 * read by its letters and digits only (`#W1234567,` is `W1234567`, `$120.50` is `12050`), so punctuation around or
 * inside a number changes nothing; case is the caller's (canonical text is lower case). A retry's counter
 * (`COUNTER_WORDS`) is left out. One pass; no allocation but for an ordinal's test before a counter word.
 */
export function addNumberWords(text: string, lanes: number[], offset: number): void {
  for (let lane = 0; lane < NUMBER_LANES; lane += 1) lanes[offset + lane] = 0;
  let hash = 0x811c9dc5;
  let digit = false;
  let start = 0;
  let afterCounter = false;
  // The last number word, held until the word after it shows whether it was an ordinal counting a retry ("2nd attempt").
  let pending: number | undefined;
  let pendingStart = 0;
  let pendingEnd = 0;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      if (index > start) {
        const counter = !digit && COUNTER_WORDS.has(hash);
        if (pending !== undefined && !(counter && ORDINAL.test(text.slice(pendingStart, pendingEnd).replace(/[^0-9a-z]/g, '')))) setBit(lanes, offset, pending);
        pending = undefined;
        if (digit && !afterCounter) {
          pending = hash;
          pendingStart = start;
          pendingEnd = index;
        }
        afterCounter = counter;
      }
      hash = 0x811c9dc5;
      digit = false;
      start = index + 1;
    } else if (isLetterOrDigit(code)) {
      if (code >= 48 && code <= 57) digit = true;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
  }
  if (pending !== undefined) setBit(lanes, offset, pending);
}

/** Sets the bit of a number word's hash in the lanes at `offset`. */
function setBit(lanes: number[], offset: number, hash: number): void {
  const bit = finalize(hash) & 127;
  lanes[offset + (bit >>> 5)]! |= 1 << (bit & 31);
}

/** ASCII letters and digits, and every non-ASCII character (letters of other scripts; their punctuation is rare in ids). */
function isLetterOrDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code > 127;
}

/** Whether each of two number sets (at `offsetA` of `a`, `offsetB` of `b`) holds a number the other lacks: a value was replaced. */
export function numberReplaced(a: readonly number[], offsetA: number, b: readonly number[], offsetB: number): boolean {
  let onlyA = 0;
  let onlyB = 0;
  for (let lane = 0; lane < NUMBER_LANES; lane += 1) {
    const left = a[offsetA + lane]!;
    const right = b[offsetB + lane]!;
    onlyA |= left & ~right;
    onlyB |= right & ~left;
  }
  return onlyA !== 0 && onlyB !== 0;
}
