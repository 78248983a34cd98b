/**
 * Argument and result fields that change on every call without changing what is asked: nonces,
 * request ids, retry counters, request timestamps, cache busters. Loop detection masks them, so a
 * counter or a random nonce cannot hide an otherwise identical no-progress loop. Entity ids (an
 * id-named key that is not a request id), dates, pages and cursors are what a call is about: never masked.
 */
import { isIdName } from './id-names.js';
import { hasDigit } from './has-digit.js';

/** Normalized key names (lower case, letters and digits only) that hold per-request noise. */
const VOLATILE_NAMES = new Set([
  'nonce', 'salt', 'rand', 'random', 'cachebuster', 'cachebust', 'bust', '_', 'noise',
  'requestid', 'reqid', 'clientrequestid', 'traceid', 'spanid', 'correlationid', 'idempotencykey', 'idempotencyid', 'dedupekey', 'dedupid', 'dedupeid',
  'clientmsgid', 'clientmessageid', 'nonceid',
  'attempt', 'attempts', 'attemptnumber', 'retry', 'retries', 'retrycount', 'retryattempt', 'try', 'tries', 'iteration', 'counter', 'seq', 'seqno', 'sequence',
  'ts', 'timestamp', 'now', 'requestedat', 'requesttime', 'sentat', 'clienttime', 'currenttime', 'nowms',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?:0x)?[0-9a-f]{16,}$/i;
/** A date with a time to the second: when the request was made, not what it is about. */
const DATETIME_SECONDS = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?$/i;
/** Random tokens (base64, base62): long, no spaces, upper and lower case and digits mixed. */
const RANDOM_TOKEN = /^[A-Za-z0-9+/=_-]{16,128}$/;

function normalizeName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '').replace(/(?<=.)_/g, '');
}

/** Process-wide and bounded: at most 4,096 keys of at most 24 characters (keys can come from hostile results). */
const keyClasses = new Map<string, 0 | 1 | 2>();


/** What a key says about its values: 1 per-request noise, 2 an entity id, 0 nothing. Cached: keys repeat. */
export function keyClass(key: string): 0 | 1 | 2 {
  // Every noise name is short and has no digit: other keys (most of those a result keyed by ids has,
  // each met once) are told without the cache, by isIdName's own cheap test.
  if (key.length > 24 || hasDigit(key)) return isIdName(key) ? 2 : 0;
  let known = keyClasses.get(key);
  if (known === undefined) {
    known = VOLATILE_NAMES.has(normalizeName(key)) ? 1 : isIdName(key) ? 2 : 0;
    if (keyClasses.size < 4_096) keyClasses.set(key, known);
  }
  return known;
}

/** Whether a key names per-request noise (`nonce`, `request_id`, `attempt`, `ts`, `_`). */
export function isVolatileName(key: string): boolean {
  return keyClass(key) === 1;
}

/** Whether a value looks generated per request: a UUID, a long hex or random token, a timestamp to the second, an epoch time. */
export function looksVolatile(value: unknown): boolean {
  if (typeof value === 'number') {
    // Epoch seconds (2001-2286) or milliseconds: integers no amount or page number reaches.
    return Number.isInteger(value) && ((value >= 1e9 && value < 1e10) || (value >= 1e12 && value < 1e13));
  }
  if (typeof value !== 'string' || value.length < 16 || value.length > 128) return false;
  // Prose (a space, not a digit first) is none of them: only a date-time may hold a space, and it starts with a digit.
  const first = value.charCodeAt(0);
  if ((first < 48 || first > 57) && value.includes(' ')) return false;
  if (UUID.test(value) || HEX.test(value) || DATETIME_SECONDS.test(value)) return true;
  return RANDOM_TOKEN.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
}

/**
 * Whether the leaf `value` under `key` (the nearest key; array items keep their array's key) is
 * per-request noise. An entity id is never noise, whatever its shape.
 */
export function isVolatile(key: string | undefined, value: unknown): boolean {
  const known = key === undefined ? 0 : keyClass(key);
  return known === 1 || (known === 0 && looksVolatile(value));
}
