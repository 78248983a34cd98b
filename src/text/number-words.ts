/**
 * The numbers and ids a free-text request names (`order #W1234567`, `$120.50`, `page 3`, `2024-05-20`), kept as a
 * fixed-size set: 128 bits, one bit per word that holds a digit. Two requests worded alike are still different
 * requests when each names a number the other does not (the same refund message for another order); a request
 * that only adds or drops one (a number word written in digits: "three" -> "3") is the same request reworded.
 */
import { finalize } from './hash.js';

/** Lanes of the set: 4 x 32 bits. A text naming dozens of numbers fills it, and then nothing reads as changed. */
export const NUMBER_LANES = 4;

/**
 * Sets the bit of each whitespace-separated word of `text` that holds a digit into `lanes` at `offset`. A word is
 * read by its letters and digits only (`#W1234567,` is `W1234567`, `$120.50` is `12050`), so punctuation around or
 * inside a number changes nothing; case is the caller's (canonical text is lower case). One pass, no allocation.
 */
export function addNumberWords(text: string, lanes: number[], offset: number): void {
  for (let lane = 0; lane < NUMBER_LANES; lane += 1) lanes[offset + lane] = 0;
  let hash = 0x811c9dc5;
  let digit = false;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      if (digit) {
        const bit = finalize(hash) & 127;
        lanes[offset + (bit >>> 5)]! |= 1 << (bit & 31);
      }
      hash = 0x811c9dc5;
      digit = false;
    } else if (isLetterOrDigit(code)) {
      if (code >= 48 && code <= 57) digit = true;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
  }
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
