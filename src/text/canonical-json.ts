import stableStringify from 'fast-json-stable-stringify';

/** JSON with object keys sorted: the same value always gives the same text, whatever its key order. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}
