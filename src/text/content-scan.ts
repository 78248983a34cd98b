import { forEachToken } from './tokens.js';
import { isIdName } from './id-names.js';
import { parseJsonText } from './json-text.js';
import type { InjectionFinding, InjectionScanner } from './injection.js';

/** A value found under a key the session watches (an entity kind), for the entity-mismatch check. */
export interface KeyedValue {
  /** The watched key it matched, normalized (`customerid`). */
  key: string;
  value: string;
  path: string;
}

/** Everything the checks need from one piece of content, gathered in a single pass over it. */
export interface ContentScan {
  /** Normalized id-like tokens in strings, object keys and numbers. */
  tokens: Set<string>;
  keyed: KeyedValue[];
  /** Values found under id-named keys (`order_id`, `id`, `userIds`): examples of the session's id shapes. */
  idValues: string[];
  injections: InjectionFinding[];
  /** The content's string fields joined by line breaks, in document order: what injection rules and detectors read. */
  text: string;
  /** The value with JSON-in-a-string expanded (tool results often arrive as JSON text). */
  parsed: unknown;
  truncated: boolean;
}

export interface ScanOptions {
  /** Keys whose values are collected (normalized: `customerid`); a Set or a Map's keys. */
  watchedKeys: { has(key: string): boolean; readonly size: number };
  injection?: InjectionScanner;
  maxDepth: number;
  maxTokens: number;
}

/** `customer_id`, `customerId`, `Customer-ID` all become `customerid`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const MAX_ID_VALUES = 256;

/**
 * One linear pass over a JSON value: tokens for the ledger, values under watched keys, then the
 * injection scan over its string fields read together. Depth and token count are bounded; past them the scan stops and says so.
 */
export function scanContent(value: unknown, options: ScanOptions): ContentScan {
  const tokens = new Set<string>();
  const keyed: KeyedValue[] = [];
  const idValues: string[] = [];
  const strings: string[] = [];
  let truncated = false;
  const addToken = (token: string) => {
    if (tokens.size < options.maxTokens) tokens.add(token);
    else truncated = true;
  };
  const parsedRoot = typeof value === 'string' ? (parseJsonText(value) ?? value) : value;

  type Frame = { node: unknown; depth: number; key: string | undefined; parentKey: string | undefined; path: string };
  const stack: Frame[] = [{ node: parsedRoot, depth: 0, key: undefined, parentKey: undefined, path: '' }];
  while (stack.length > 0) {
    const { node, depth, key, parentKey, path } = stack.pop()!;
    if (depth > options.maxDepth) {
      truncated = true;
      continue;
    }
    if (node === null || node === undefined || typeof node === 'boolean') continue;
    if (typeof node === 'string' || typeof node === 'number') {
      const text = String(node);
      if (typeof node === 'string') {
        const nested = depth > 0 ? parseJsonText(text) : undefined;
        if (nested !== undefined) {
          stack.push({ node: nested, depth: depth + 1, key, parentKey, path });
          continue;
        }
        strings.push(text);
      }
      forEachToken(text, addToken);
      if (key !== undefined && idValues.length < MAX_ID_VALUES && isIdName(key)) idValues.push(text);
      if (key !== undefined && options.watchedKeys.size > 0) {
        const normalized = normalizeKey(key);
        const combined = parentKey !== undefined && normalized === 'id' ? normalizeKey(parentKey) + 'id' : undefined;
        const watched = options.watchedKeys.has(normalized) ? normalized : combined !== undefined && options.watchedKeys.has(combined) ? combined : undefined;
        if (watched !== undefined) keyed.push({ key: watched, value: text, path });
      }
      continue;
    }
    if (typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index -= 1) {
        // Array items keep the array's key, so `customer_ids: [..]` is still watched.
        stack.push({ node: node[index], depth: depth + 1, key, parentKey, path: `${path}/${index}` });
      }
      continue;
    }
    const entries = Object.entries(node as Record<string, unknown>);
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [childKey, child] = entries[index]!;
      forEachToken(childKey, addToken);
      stack.push({ node: child, depth: depth + 1, key: childKey, parentKey: key, path: `${path}/${childKey}` });
    }
  }
  // Fields of one result are read together, so an instruction split across them is still seen.
  const text = strings.join('\n');
  const injections: InjectionFinding[] = options.injection && text !== '' ? options.injection.scan(text) : [];
  return { tokens, keyed, idValues, injections, text, parsed: parsedRoot, truncated };
}
