/**
 * What a tool result is about. The subject is the record at the top of the result (under envelopes
 * such as MCP's `content[].text`, `structuredContent`, `result`, `data`; each item of a top-level
 * list is a record) together with its singular sub-objects. Entities reached through a list inside
 * the record (`shared_with: [{customer_id}]`, `participants`, `items`) are related entities, not the
 * subject, unless that list item is the very record the call asked for.
 */
import { parseJsonText } from '../text/json-text.js';
import { isIdName } from '../text/id-names.js';
import { normalizeId } from '../text/tokens.js';

const ENVELOPES: ReadonlySet<string> = new Set(['content', 'text', 'structuredContent', 'result', 'results', 'data', 'response', 'body', 'payload', 'record', 'records', 'items', 'value', 'values', 'rows', 'hits', 'entries']);
const INDEX = /^\d+$/;

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Segments of the value's parent object, with leading envelopes and the top-level list index dropped. */
function recordPath(path: string): string[] {
  const segments = path.split('/').slice(1, -1).map(unescape);
  let start = 0;
  while (start < segments.length && (ENVELOPES.has(segments[start]!) || INDEX.test(segments[start]!))) start += 1;
  return segments.slice(start);
}

/** Follows a JSON pointer, parsing JSON text met on the way (results often nest JSON in strings). */
function resolve(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (typeof node === 'string') node = parseJsonText(node);
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'string' ? parseJsonText(node) : node;
}

/**
 * Whether the value at `path` (a watched key's value) is about the result's subject.
 * @param callValues the canonical (lower-cased) argument values of the call that produced the result
 */
export function isAboutSubject(path: string, root: unknown, callValues: { has(value: string): boolean }): boolean {
  const parents = recordPath(path);
  if (!parents.some((segment) => INDEX.test(segment))) return true;
  // Inside a list: only the very record the call asked for is the subject.
  const parent = resolve(root, path.split('/').slice(1, -1).map(unescape));
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return false;
  for (const [key, value] of Object.entries(parent as Record<string, unknown>)) {
    if ((typeof value !== 'string' && typeof value !== 'number') || !isIdName(key)) continue;
    const id = normalizeId(String(value));
    if (id !== undefined && callValues.has(id)) return true;
  }
  return false;
}
