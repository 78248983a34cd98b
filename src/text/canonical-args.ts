import { normalizeDate } from './dates.js';
import { combine, hashString } from './hash.js';
import { formSimilarity, textForm, type TextForm } from './similarity.js';
import { isVolatile } from './volatile.js';

/**
 * Tool arguments reduced to what makes two calls "the same": leaves by path, strings trimmed,
 * whitespace collapsed, lower-cased and dates in ISO form; key order no longer matters. Per-request
 * noise (nonces, request ids, retry counters, request timestamps) is masked. Kept compact (small
 * integers), since a session remembers its recent calls.
 */
export interface CanonicalArguments {
  /** `[pathHash, valueHash, ...]` pairs sorted by path hash; 30-bit hashes, so the array holds small integers. */
  leaves: number[];
  /** Free-text leaves (holding a space) by leaf index: the text when short, a word sketch when long. */
  texts: Array<TextForm | undefined> | undefined;
  /** Order-independent hash of every leaf: equal arguments have equal hashes. */
  hash: number;
}

const HASH_BITS = 0x3fffffff;
const MASKED = 0x2f1b3c4d;
const EMPTY_ARRAY = 0x1b873593;
const EMPTY_OBJECT = 0x0e6546b6;

function canonicalText(value: string): string {
  const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
  return normalizeDate(text) ?? text;
}

interface Leaf {
  path: number;
  value: number;
  text: TextForm | undefined;
}

export function canonicalArguments(args: unknown, maxDepth: number): CanonicalArguments {
  const found: Leaf[] = [];
  const stack: Array<{ node: unknown; path: number; key: string | undefined; depth: number }> = [{ node: args, path: 0, key: undefined, depth: 0 }];
  while (stack.length > 0) {
    const { node, path, key, depth } = stack.pop()!;
    if (depth > maxDepth) continue;
    if (Array.isArray(node)) {
      if (node.length === 0) found.push({ path, value: EMPTY_ARRAY, text: undefined });
      for (let index = 0; index < node.length; index += 1) stack.push({ node: node[index], path: combine(path, index), key, depth: depth + 1 });
    } else if (node !== null && typeof node === 'object') {
      let empty = true;
      for (const child in node) {
        empty = false;
        stack.push({ node: (node as Record<string, unknown>)[child], path: combine(path, hashString(child)), key: child, depth: depth + 1 });
      }
      if (empty) found.push({ path, value: EMPTY_OBJECT, text: undefined });
    } else if (isVolatile(key, node)) {
      found.push({ path, value: MASKED, text: undefined });
    } else if (typeof node === 'string') {
      const text = canonicalText(node);
      found.push({ path, value: hashString(text), text: text.includes(' ') ? textForm(text) : undefined });
    } else {
      found.push({ path, value: typeof node === 'number' || typeof node === 'boolean' || node === null ? hashString(String(node), 0x3c6ef372) : 0, text: undefined });
    }
  }
  found.sort((a, b) => (a.path & HASH_BITS) - (b.path & HASH_BITS));
  const leaves = new Array<number>(found.length * 2);
  let texts: Array<TextForm | undefined> | undefined;
  let hash = 0;
  for (let index = 0; index < found.length; index += 1) {
    const leaf = found[index]!;
    leaves[index * 2] = leaf.path & HASH_BITS;
    leaves[index * 2 + 1] = leaf.value & HASH_BITS;
    hash = (hash + combine(leaf.path, leaf.value)) | 0;
    if (leaf.text !== undefined) (texts ??= [])[index] = leaf.text;
  }
  return { leaves, texts, hash: hash & HASH_BITS };
}

function sameLeaves(a: CanonicalArguments, b: CanonicalArguments): boolean {
  if (a.hash !== b.hash || a.leaves.length !== b.leaves.length) return false;
  for (let index = 0; index < a.leaves.length; index += 1) if (a.leaves[index] !== b.leaves[index]) return false;
  return true;
}

/**
 * How alike two calls' arguments are, from 0 to 1: leaves that match (same path, same canonical
 * value; free-text leaves at least `threshold` similar) over all distinct leaves of both. One changed
 * leaf of three (a different date) is a different call; one flight swapped among a dozen leaves is a
 * retry. Linear in the number of leaves; a text comparison costs at most a short edit distance or a sketch.
 */
export function argumentSimilarity(a: CanonicalArguments, b: CanonicalArguments, threshold: number): number {
  if (sameLeaves(a, b)) return 1;
  const sizeA = a.leaves.length >> 1;
  const sizeB = b.leaves.length >> 1;
  // Even if every leaf of the smaller matched, the union is at least the larger.
  if (Math.min(sizeA, sizeB) < threshold * Math.max(sizeA, sizeB)) return Math.min(sizeA, sizeB) / Math.max(sizeA, sizeB);
  let matched = 0;
  let i = 0;
  let j = 0;
  while (i < sizeA && j < sizeB) {
    const pathA = a.leaves[i * 2]!;
    const pathB = b.leaves[j * 2]!;
    if (pathA < pathB) i += 1;
    else if (pathA > pathB) j += 1;
    else {
      if (a.leaves[i * 2 + 1] === b.leaves[j * 2 + 1]) matched += 1;
      else {
        const left = a.texts?.[i];
        const right = b.texts?.[j];
        if (left !== undefined && right !== undefined && formSimilarity(left, right) >= threshold) matched += 1;
      }
      i += 1;
      j += 1;
    }
  }
  const union = sizeA + sizeB - matched;
  return union === 0 ? 1 : matched / union;
}

/**
 * Whether `argumentSimilarity(a, b, threshold) >= threshold`, stopping as soon as the leaves left
 * cannot lift the similarity to the threshold (most pairs of calls differ in their first leaves).
 */
export function nearIdentical(a: CanonicalArguments, b: CanonicalArguments, threshold: number): boolean {
  if (sameLeaves(a, b)) return 1 >= threshold;
  const sizeA = a.leaves.length >> 1;
  const sizeB = b.leaves.length >> 1;
  if (Math.min(sizeA, sizeB) < threshold * Math.max(sizeA, sizeB)) return Math.min(sizeA, sizeB) / Math.max(sizeA, sizeB) >= threshold;
  let matched = 0;
  let i = 0;
  let j = 0;
  while (i < sizeA && j < sizeB) {
    // At best every leaf left matches; matched / union only grows with matched, so below the threshold now is below it at the end.
    const best = matched + Math.min(sizeA - i, sizeB - j);
    if (best / (sizeA + sizeB - best) < threshold) return false;
    const pathA = a.leaves[i * 2]!;
    const pathB = b.leaves[j * 2]!;
    if (pathA < pathB) i += 1;
    else if (pathA > pathB) j += 1;
    else {
      if (a.leaves[i * 2 + 1] === b.leaves[j * 2 + 1]) matched += 1;
      else {
        const left = a.texts?.[i];
        const right = b.texts?.[j];
        if (left !== undefined && right !== undefined && formSimilarity(left, right) >= threshold) matched += 1;
      }
      i += 1;
      j += 1;
    }
  }
  const union = sizeA + sizeB - matched;
  return (union === 0 ? 1 : matched / union) >= threshold;
}

/** Whether one of the call's argument values, canonicalized, is `value` (an id from a result, say). */
export function hasArgumentValue(args: CanonicalArguments, value: string): boolean {
  const wanted = hashString(canonicalText(value)) & HASH_BITS;
  for (let index = 1; index < args.leaves.length; index += 2) if (args.leaves[index] === wanted) return true;
  return false;
}
