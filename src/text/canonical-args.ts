import { normalizeDate } from './dates.js';
import { combine, hashString } from './hash.js';
import { formSimilarity, textForm, type TextForm } from './similarity.js';
import { isVolatile, keyClass } from './volatile.js';

/**
 * Tool arguments reduced to what makes two calls "the same": leaves by path, strings trimmed,
 * whitespace collapsed, lower-cased and dates in ISO form; key order no longer matters. Per-request
 * noise (nonces, request ids, retry counters, request timestamps) is masked, and so is any key the tool's
 * input schema does not declare (given `DeclaredArguments`). Kept compact (small
 * integers), since a session remembers its recent calls.
 */
export interface CanonicalArguments {
  /** `[pathHash, valueHash, ...]` pairs sorted by path hash; 30-bit hashes, so the array holds small integers. */
  leaves: number[];
  /**
   * Free-text leaves by leaf index: the text when short, a word sketch when long. Only a request's
   * words (one line holding a space: a query, a question) are kept; a document (a file, a patch, a
   * message body: text over several lines) is the same only when equal, so it matches by its hash alone.
   */
  texts: Array<TextForm | undefined> | undefined;
  /** Order-independent hash of every leaf: equal arguments have equal hashes. */
  hash: number;
}

/**
 * What a tool's input schema declares at one level of its arguments (built once per tool by
 * `schema/declared-arguments.ts`). A key missing from `keys` is one the tool does not declare: its
 * value is masked like a nonce's, since it cannot change what the tool does as declared. `keys`
 * undefined: the level declares nothing usable (no properties, or other keys admitted), nothing masked.
 */
export interface DeclaredArguments {
  /** Declared keys, each with what its value declares in turn. */
  readonly keys: ReadonlyMap<string, DeclaredArguments | undefined> | undefined;
  /** What an array's items declare. */
  readonly items: DeclaredArguments | undefined;
}

/** Marks a frame whose key its level does not declare: the whole value is one masked leaf. */
const UNDECLARED: DeclaredArguments = Object.freeze({ keys: undefined, items: undefined });

const HASH_BITS = 0x3fffffff;
const MASKED = 0x2f1b3c4d;
const EMPTY_ARRAY = 0x1b873593;
const EMPTY_OBJECT = 0x0e6546b6;

function canonicalText(value: string): string {
  const trimmed = value.trim();
  const text = (hasWhitespaceRun(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed).toLowerCase();
  return normalizeDate(text) ?? text;
}

/**
 * Whether collapsing whitespace could change `text` (trimmed): false for printable ASCII whose spaces
 * stand alone, the usual argument. Anything else (tabs, a double space, non-ASCII) is left to the regex.
 */
function hasWhitespaceRun(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 0x20 && code < 0x7f) continue;
    if (code !== 0x20) return true;
    const next = text.charCodeAt(index + 1);
    if (!(next > 0x20 && next < 0x7f)) return true;
  }
  return false;
}

/**
 * Whether a string argument is a document rather than a request: a line break between two non-blank
 * characters. One line changed in a file is a new version of it, not the same request reworded.
 */
function isDocument(value: string): boolean {
  if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) return false;
  let text = false;
  let broken = false;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code === 10 || code === 13) broken = text;
    else if (code > 32 && code !== 0xa0) {
      if (broken) return true;
      text = true;
    }
  }
  return false;
}

/** The walk's working lists, side by side (no object per leaf or per node walked), reused between calls. */
interface Scratch {
  leafPaths: number[];
  leafValues: number[];
  leafTexts: Array<TextForm | undefined>;
  order: number[];
  nodes: unknown[];
  paths: number[];
  keys: Array<string | undefined>;
  depths: number[];
  declared: Array<DeclaredArguments | undefined>;
}

function newScratch(): Scratch {
  return { leafPaths: [], leafValues: [], leafTexts: [], order: [], nodes: [], paths: [], keys: [], depths: [], declared: [] };
}

/** Free between walks; taken by a walk (a nested or failed walk makes its own). */
let spare: Scratch | undefined = newScratch();
/** Lists longer than this are not kept for the next walk: the spare stays small. */
const KEPT_LENGTH = 1_024;
/** Leaves sorted by insertion up to this many (a call has a handful); more go to the built-in stable sort. */
const INSERTION_SORT = 32;

/**
 * `declared`: what the tool's input schema declares (none: every key counts). A key it does not
 * declare is masked, unless its name marks an entity id (an id is never noise, as in `volatile.ts`).
 */
export function canonicalArguments(args: unknown, maxDepth: number, declared?: DeclaredArguments): CanonicalArguments {
  const work = spare ?? newScratch();
  spare = undefined;
  const canonical = walkArguments(args, maxDepth, declared, work);
  if (work.nodes.length > KEPT_LENGTH || work.leafPaths.length > KEPT_LENGTH) spare = newScratch();
  else spare = work;
  return canonical;
}

/** What a key's value declares; UNDECLARED when its level does not declare it and its name marks no entity id. */
function declaredOrMasked(declaredKeys: ReadonlyMap<string, DeclaredArguments | undefined>, key: string): DeclaredArguments | undefined {
  const inner = declaredKeys.get(key);
  if (inner !== undefined || declaredKeys.has(key)) return inner;
  return keyClass(key) === 2 ? undefined : UNDECLARED;
}

function walkArguments(args: unknown, maxDepth: number, rootDeclared: DeclaredArguments | undefined, work: Scratch): CanonicalArguments {
  const { leafPaths, leafValues, leafTexts, order, nodes, paths, keys, depths, declared } = work;
  let leaves = 0;
  const addLeaf = (path: number, value: number, text: TextForm | undefined) => {
    leafPaths[leaves] = path;
    leafValues[leaves] = value;
    leafTexts[leaves] = text;
    leaves += 1;
  };
  nodes[0] = args;
  paths[0] = 0;
  keys[0] = undefined;
  depths[0] = 0;
  declared[0] = rootDeclared;
  let top = 1;
  // The same walk as a stack of frames: last pushed, first visited, so leaves come in the same order.
  while (top > 0) {
    top -= 1;
    const node = nodes[top];
    const path = paths[top]!;
    const key = keys[top];
    const depth = depths[top]!;
    const shape = declared[top];
    nodes[top] = undefined;
    declared[top] = undefined;
    if (depth > maxDepth) continue;
    if (shape === UNDECLARED) {
      addLeaf(path, MASKED, undefined);
    } else if (Array.isArray(node)) {
      if (node.length === 0) addLeaf(path, EMPTY_ARRAY, undefined);
      for (let index = 0; index < node.length; index += 1) {
        nodes[top] = node[index];
        paths[top] = combine(path, index);
        keys[top] = key;
        depths[top] = depth + 1;
        declared[top] = shape?.items;
        top += 1;
      }
    } else if (node !== null && typeof node === 'object') {
      let empty = true;
      const declaredKeys = shape?.keys;
      for (const child in node) {
        empty = false;
        nodes[top] = (node as Record<string, unknown>)[child];
        paths[top] = combine(path, hashString(child));
        keys[top] = child;
        depths[top] = depth + 1;
        declared[top] = declaredKeys === undefined ? undefined : declaredOrMasked(declaredKeys, child);
        top += 1;
      }
      if (empty) addLeaf(path, EMPTY_OBJECT, undefined);
    } else if (isVolatile(key, node)) {
      addLeaf(path, MASKED, undefined);
    } else if (typeof node === 'string') {
      const text = canonicalText(node);
      addLeaf(path, hashString(text), text.includes(' ') && !isDocument(node) ? textForm(text) : undefined);
    } else {
      addLeaf(path, typeof node === 'number' || typeof node === 'boolean' || node === null ? hashString(String(node), 0x3c6ef372) : 0, undefined);
    }
  }
  // Leaves in order of masked path hash; a stable sort, so equal hashes keep the walk's order.
  order.length = leaves;
  if (leaves <= INSERTION_SORT) {
    for (let index = 0; index < leaves; index += 1) {
      const masked = leafPaths[index]! & HASH_BITS;
      let at = index;
      while (at > 0 && (leafPaths[order[at - 1]!]! & HASH_BITS) > masked) {
        order[at] = order[at - 1]!;
        at -= 1;
      }
      order[at] = index;
    }
  } else {
    for (let index = 0; index < leaves; index += 1) order[index] = index;
    order.sort((a, b) => (leafPaths[a]! & HASH_BITS) - (leafPaths[b]! & HASH_BITS));
  }
  const sorted = new Array<number>(leaves * 2);
  let texts: Array<TextForm | undefined> | undefined;
  let hash = 0;
  for (let index = 0; index < leaves; index += 1) {
    const leaf = order[index]!;
    const path = leafPaths[leaf]!;
    const value = leafValues[leaf]!;
    sorted[index * 2] = path & HASH_BITS;
    sorted[index * 2 + 1] = value & HASH_BITS;
    hash = (hash + combine(path, value)) | 0;
    const text = leafTexts[leaf];
    if (text !== undefined) {
      (texts ??= [])[index] = text;
      leafTexts[leaf] = undefined;
    }
  }
  return { leaves: sorted, texts, hash: hash & HASH_BITS };
}

/** Whether two calls' arguments are the same once canonicalized (noise masked): equal leaves, texts included. */
export function sameArguments(a: CanonicalArguments, b: CanonicalArguments): boolean {
  return sameLeaves(a, b);
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
  return leafSimilarity(a, b, threshold, false);
}

/**
 * Whether `argumentSimilarity(a, b, threshold) >= threshold`, stopping as soon as the leaves left
 * cannot lift the similarity to the threshold (most pairs of calls differ in their first leaves).
 */
export function nearIdentical(a: CanonicalArguments, b: CanonicalArguments, threshold: number): boolean {
  return leafSimilarity(a, b, threshold, true) >= threshold;
}

/** The similarity; with `stopBelow`, a value under `threshold` may be only an upper bound of it. */
function leafSimilarity(a: CanonicalArguments, b: CanonicalArguments, threshold: number, stopBelow: boolean): number {
  if (sameLeaves(a, b)) return 1;
  const sizeA = a.leaves.length >> 1;
  const sizeB = b.leaves.length >> 1;
  // Even if every leaf of the smaller matched, the union is at least the larger.
  if (Math.min(sizeA, sizeB) < threshold * Math.max(sizeA, sizeB)) return Math.min(sizeA, sizeB) / Math.max(sizeA, sizeB);
  let matched = 0;
  let i = 0;
  let j = 0;
  while (i < sizeA && j < sizeB) {
    if (stopBelow) {
      // At best every leaf left matches; matched / union only grows with matched, so below the threshold now is below it at the end.
      const best = matched + Math.min(sizeA - i, sizeB - j);
      const bound = best / (sizeA + sizeB - best);
      if (bound < threshold) return bound;
    }
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

/** Whether one of the call's argument values, canonicalized, is `value` (an id from a result, say). */
export function hasArgumentValue(args: CanonicalArguments, value: string): boolean {
  const wanted = hashString(canonicalText(value)) & HASH_BITS;
  for (let index = 1; index < args.leaves.length; index += 2) if (args.leaves[index] === wanted) return true;
  return false;
}
