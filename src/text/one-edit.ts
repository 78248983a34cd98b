/**
 * Whether `a` and `b` differ by exactly one edit: a letter added, dropped or replaced, or two neighbours swapped
 * (the optimal-string-alignment distance is 1). One linear pass over both, for the few words a rule asks about:
 * `fastest-levenshtein` counts a swap as two edits, and a misspelling made to slip past a filter swaps as often
 * as it adds ("insrtuctions", "iunstructions").
 */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA -= 1;
    endB -= 1;
  }
  // What differs between the common head and tail: one letter on either side, or one on each (replaced or swapped).
  const differsA = endA - start;
  const differsB = endB - start;
  if (differsA + differsB === 1) return true;
  if (differsA === 1 && differsB === 1) return true;
  return differsA === 2 && differsB === 2 && a[start] === b[start + 1] && a[start + 1] === b[start];
}
