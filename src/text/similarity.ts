import { distance } from 'fastest-levenshtein';

const MAX_EDIT_LENGTH = 512;

/** 1 for equal strings, falling to 0; edit distance for short strings, word overlap for long ones. */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  if (longest <= MAX_EDIT_LENGTH) return 1 - distance(a, b) / longest;
  const wordsA = new Set(a.split(' '));
  const wordsB = new Set(b.split(' '));
  let shared = 0;
  for (const word of wordsA) if (wordsB.has(word)) shared += 1;
  return shared / (wordsA.size + wordsB.size - shared);
}
