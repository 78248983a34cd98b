import { distance } from 'fastest-levenshtein';
import { finalize } from './hash.js';
import { addNumberWords, numberReplaced, NUMBER_LANES } from './number-words.js';

/** Texts up to this length are compared by edit distance (bit-parallel, so about linear here). */
export const SHORT_TEXT = 64;
/** Bins of a long text's sketch: the Jaccard estimate's error is about 0.05 near 0.8. */
const BINS = 64;
const EMPTY = 0x3ffffff;

/**
 * A fixed-size sketch of a text's words (one-permutation MinHash): each word hashed once, each bin
 * keeping its smallest hash. Two sketches estimate the Jaccard similarity of the word sets in
 * `BINS` steps, whatever the texts' lengths. After the bins, the numbers the text names (number-words.ts).
 */
export function textSketch(text: string): number[] {
  const bins = new Array<number>(BINS + NUMBER_LANES).fill(EMPTY);
  addNumberWords(text, bins, BINS);
  let hash = 0x811c9dc5;
  let inWord = false;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (code === 32) {
      if (inWord) {
        const mixed = finalize(hash);
        const bin = mixed & (BINS - 1);
        const value = (mixed >>> 6) & EMPTY;
        if (value < bins[bin]!) bins[bin] = value;
      }
      hash = 0x811c9dc5;
      inWord = false;
    } else {
      hash = Math.imul(hash ^ code, 0x01000193);
      inWord = true;
    }
  }
  return bins;
}

/** Estimated Jaccard similarity of the word sets two sketches stand for. */
export function sketchSimilarity(a: readonly number[], b: readonly number[]): number {
  let filled = 0;
  let equal = 0;
  for (let bin = 0; bin < BINS; bin += 1) {
    const left = a[bin]!;
    const right = b[bin]!;
    if (left === EMPTY && right === EMPTY) continue;
    filled += 1;
    if (left === right) equal += 1;
  }
  return filled === 0 ? 1 : equal / filled;
}

/** A free-text argument as loop detection keeps it: the text itself when short, else its sketch. */
export type TextForm = string | number[];

export function textForm(text: string): TextForm {
  return text.length <= SHORT_TEXT ? text : textSketch(text);
}

/** Where a form's numbers are: after a sketch's bins, or made for a short text when compared (at most 64 characters: one pass). */
function numbersOf(form: TextForm): number[] {
  if (typeof form !== 'string') return form;
  const lanes = new Array<number>(NUMBER_LANES);
  addNumberWords(form, lanes, 0);
  return lanes;
}

const offsetOf = (form: TextForm) => (typeof form === 'string' ? 0 : BINS);

/**
 * 1 for equal texts, falling to 0. Short texts: 1 - edit distance / length. Longer ones: the
 * estimated word-set Jaccard similarity, in constant time per comparison (never a quadratic edit distance).
 * 0 when each names a number or id the other does not: the same words about another order, amount, date
 * or page are another request, however long the text around them.
 */
export function formSimilarity(a: TextForm, b: TextForm): number {
  if (a === b) return 1;
  if (numberReplaced(numbersOf(a), offsetOf(a), numbersOf(b), offsetOf(b))) return 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const longest = Math.max(a.length, b.length);
    return longest === 0 ? 1 : 1 - distance(a, b) / longest;
  }
  return sketchSimilarity(typeof a === 'string' ? textSketch(a) : a, typeof b === 'string' ? textSketch(b) : b);
}

/** 1 for equal strings, falling to 0: edit distance for short strings, a word sketch for long ones. */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  return formSimilarity(textForm(a), textForm(b));
}
