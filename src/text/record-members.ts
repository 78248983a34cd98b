/**
 * Members shared by two records: one payment method on two customers, one flight on two reservations, one address on
 * two orders. A result about such a member names both owners; the session's owner among them makes the other a
 * co-owner, not a sign the call reached another customer's data. What a record holds is read under its own object
 * only, bounded: the ids under id-named keys (nested lists and objects included), at most MAX_MEMBERS of them.
 */
import { isIdName } from './id-names.js';
import { idTokens, normalizeId } from './tokens.js';
import { parseJsonText } from './json-text.js';
import { normalizeKey } from './content-scan.js';

/** Ids read from one record, at most: a record's members are a handful; a hostile one stops here. */
const MAX_MEMBERS = 256;
/** Values visited in one record, at most, ids or not. */
const MAX_VISITS = 2_048;
const MAX_DEPTH = 8;
/** Records of one result read for members, at most (a list of thousands of records is read no further): the work per result stays flat. */
export const MAX_RECORDS_READ = 64;

/**
 * The normalized ids a record holds under id-named keys, its own and its nested records', bounded. `isOwnerKey`
 * (a key and the key of the object it is in) leaves out the owners' own ids: a customer listed under a record is
 * not a member two customers share.
 */
export function membersOf(record: unknown, isOwnerKey: (key: string, parentKey: string) => boolean): Set<string> {
  const members = new Set<string>();
  const stack: Array<{ node: unknown; key: string; parentKey: string; depth: number }> = [{ node: record, key: '', parentKey: '', depth: 0 }];
  let visits = 0;
  while (stack.length > 0 && visits < MAX_VISITS && members.size < MAX_MEMBERS) {
    const { node, key, parentKey, depth } = stack.pop()!;
    visits += 1;
    if (typeof node === 'string' || typeof node === 'number') {
      if (key !== '' && isIdName(key) && !isOwnerKey(key, parentKey)) {
        const id = normalizeId(String(node));
        if (id !== undefined) members.add(id);
      }
      continue;
    }
    if (node === null || typeof node !== 'object' || depth >= MAX_DEPTH) continue;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length && index < MAX_VISITS; index += 1) stack.push({ node: node[index], key, parentKey, depth: depth + 1 });
    } else {
      let count = 0;
      for (const child in node) {
        if (count++ >= MAX_VISITS) break;
        stack.push({ node: (node as Record<string, unknown>)[child], key: child, parentKey: key, depth: depth + 1 });
      }
    }
  }
  return members;
}

/** JSON text longer than this is not parsed for members (a parse of it would hold the event loop): its records read as holding none. */
export const MAX_PARSED_TEXT = 1_048_576;

/** JSON texts of one result already parsed, by text: each is parsed once however many records are read from it. */
export type ParsedTexts = Map<string, unknown>;

function parsedText(text: string, parsed: ParsedTexts): unknown {
  if (text.length > MAX_PARSED_TEXT) return undefined;
  if (!parsed.has(text)) parsed.set(text, parseJsonText(text));
  return parsed.get(text);
}

/**
 * The object holding the value at a JSON pointer (`/0/customer_id` -> the first item), following JSON text met on
 * the way (MCP's `content[].text`), each text parsed once per `parsed` map.
 */
export function recordAt(root: unknown, path: string, parsed: ParsedTexts = new Map()): unknown {
  const segments = path.split('/').slice(1, -1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = typeof root === 'string' ? parsedText(root, parsed) : root;
  for (const segment of segments) {
    if (typeof node === 'string') node = parsedText(node, parsed);
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'string' ? parsedText(node, parsed) : node;
}

/**
 * Whether a key names a session entity's kind (an owner: `customer_id`, or `id` inside `customer`), given the
 * session's watched keys (normalized, as `content-scan.ts` matches them).
 */
export function ownerKeyTest(isWatched: (normalizedKey: string) => boolean): (key: string, parentKey: string) => boolean {
  return (key, parentKey) => {
    const normalized = normalizeKey(key);
    return isWatched(normalized) || (normalized === 'id' && parentKey !== '' && isWatched(`${normalizeKey(parentKey)}id`));
  };
}

/** The members of every record in a result that names one of the session's own entities (the entity-mismatch check reads them: checks/entity-mismatch.ts). */
export function ownRecordMembers(
  parsed: unknown,
  keyed: ReadonlyArray<{ key: string; value: string; path: string }>,
  entities: (key: string) => ReadonlySet<string> | undefined,
  isOwnerKey: (key: string, parentKey: string) => boolean,
  parsedTexts: ParsedTexts = new Map(),
): Set<string> {
  const members = new Set<string>();
  let read = 0;
  for (const { key, value, path } of keyed) {
    if (read >= MAX_RECORDS_READ || members.size >= MAX_MEMBERS) break;
    const expected = entities(key);
    const tokens = idTokens(value);
    if (!expected || tokens.length === 0 || !tokens.every((token) => expected.has(token))) continue;
    read += 1;
    for (const member of membersOf(recordAt(parsed, path, parsedTexts), isOwnerKey)) members.add(member);
  }
  return members;
}
