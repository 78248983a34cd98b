import { normalizeDate } from './dates.js';
import { textSimilarity } from './similarity.js';

/**
 * Tool arguments reduced to what makes two calls "the same": leaves by path, strings trimmed,
 * whitespace collapsed, lower-cased and dates in ISO form; key order no longer matters.
 */
export interface CanonicalArguments {
  /** One string for exact comparison. */
  key: string;
  leaves: ReadonlyMap<string, string>;
}

function canonicalLeaf(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
    return normalizeDate(text) ?? text;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return '';
}

export function canonicalArguments(args: unknown, maxDepth: number): CanonicalArguments {
  const leaves = new Map<string, string>();
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: args, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (depth > maxDepth) continue;
    if (Array.isArray(node)) {
      if (node.length === 0) leaves.set(path, '[]');
      node.forEach((item, index) => stack.push({ node: item, path: `${path}/${index}`, depth: depth + 1 }));
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length === 0) leaves.set(path, '{}');
      for (const [key, child] of entries) stack.push({ node: child, path: `${path}/${key}`, depth: depth + 1 });
    } else {
      leaves.set(path, canonicalLeaf(node));
    }
  }
  const sorted = [...leaves.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { key: sorted.map(([path, leaf]) => `${path}=${leaf}`).join('\u0000'), leaves: new Map(sorted) };
}

/**
 * How alike two calls' arguments are, from 0 to 1: leaves that match (same path, same canonical
 * value; free-text leaves at least `threshold` similar) over all distinct leaves of both. One changed
 * leaf of three (a different date) is a different call; one flight swapped among a dozen leaves is a retry.
 */
export function argumentSimilarity(a: CanonicalArguments, b: CanonicalArguments, threshold: number): number {
  if (a.key === b.key) return 1;
  let matched = 0;
  for (const [path, left] of a.leaves) {
    const right = b.leaves.get(path);
    if (right === undefined) continue;
    if (left === right || (left.includes(' ') && right.includes(' ') && textSimilarity(left, right) >= threshold)) matched += 1;
  }
  const union = a.leaves.size + b.leaves.size - matched;
  return union === 0 ? 1 : matched / union;
}

export function nearIdentical(a: CanonicalArguments, b: CanonicalArguments, threshold: number): boolean {
  return argumentSimilarity(a, b, threshold) >= threshold;
}
