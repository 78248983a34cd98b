/**
 * Masks secrets in recorded content before it is written, keeping keys and structure, so a trace
 * can be kept for 30 days and shared in a postmortem. Strings are made well-formed UTF-16 (so they
 * encode to valid UTF-8) and oversized ones are truncated with a marker.
 */
import { setDataProperty } from '../text/data-property.js';

export const REDACTED = '[REDACTED]';
export const MASK_FAILED = '[REDACTION FAILED]';

/** Replaces a string value; `path` is a JSON pointer into the event. Throwing writes MASK_FAILED instead. */
export type MaskFunction = (value: string, path: string) => string;

export interface RedactionOptions {
  /** Mask built-in secret patterns (default true). */
  secrets?: boolean;
  /**
   * Your own masking, after the built-in patterns. A string longer than `maxStringLength` reaches it cut to
   * `maxStringLength` + 4,096 characters (only the first `maxStringLength` are kept either way).
   */
  mask?: MaskFunction;
  /** Longest string kept whole (default 65,536 characters). */
  maxStringLength?: number;
  /** Deepest nesting kept (default 64); deeper values become a marker. */
  maxDepth?: number;
  /** Also mask email addresses (off by default: they are often legitimate entity ids). */
  emails?: boolean;
  /** Also mask phone numbers (off by default, like emails). */
  phones?: boolean;
}

export const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(?:sk|pk|rk)-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  // Stripe secret, restricted and webhook keys; GitLab, Hugging Face and npm tokens.
  [/\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}\b|\bwhsec_[0-9A-Za-z]{20,}\b/g, REDACTED],
  [/\b(?:glpat|gldt|glptt|glrt|gloas|glsoat)-[0-9A-Za-z_-]{20,}\b|\bGR1348941[0-9A-Za-z_-]{20,}\b/g, REDACTED],
  [/\bhf_[A-Za-z0-9]{30,}\b/g, REDACTED],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, REDACTED],
  // Credentials in URL query strings: `?token=...`, `&api_key=...`, `&X-Amz-Signature=...`.
  [/([?&;](?:token|access_token|refresh_token|id_token|auth|api_?key|apikey|key|secret|password|passwd|sig|signature|x-amz-signature|x-amz-security-token|session_token|client_secret|code)=)[^&#\s"'<>]+/gi, `$1${REDACTED}`],
  [/\b((?:api[_-]?key|x-api-key|access[_-]?token|session[_-]?token|secret|password|passwd|passphrase|pwd|client[_-]?secret|aws[_-]?secret[_-]?access[_-]?key|secret[_-]?access[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi, `$1${REDACTED}`],
];

/** Card-number candidates: 13-19 digits, optionally grouped by spaces or dashes; masked only when Luhn-valid. */
export const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[04-9]|6)/;
const EMAIL = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}\b/g;
const PHONE = /(?<![\w+])\+?\d{1,3}?[ .-]?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?!\w)/g;

/** The Luhn checksum every payment card number satisfies (and most order numbers do not). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function maskCards(text: string): string {
  return text.replace(CARD_CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    // All one digit (0000 0000 0000 0000) passes Luhn but is a placeholder, not a card.
    // Only issuer prefixes (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay): epoch milliseconds and most order numbers are not.
    return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && !/^(\d)\1*$/.test(digits) && luhnValid(digits) ? REDACTED : match;
  });
}

export const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY( BLOCK)?-----/g;

/** PEM private keys, found with indexOf (a lazy regex across a large text could go quadratic). */
function maskPrivateKeys(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  let out = '';
  let from = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let match = PEM_BEGIN.exec(text); match !== null; match = PEM_BEGIN.exec(text)) {
    const endMarker = `-----END ${match[1]}PRIVATE KEY${match[2] ?? ''}-----`;
    const end = text.indexOf(endMarker, PEM_BEGIN.lastIndex);
    out += text.slice(from, match.index) + REDACTED;
    // An unterminated key is masked to the end: better too much than a half key in clear.
    from = end < 0 ? text.length : end + endMarker.length;
    PEM_BEGIN.lastIndex = from;
    if (end < 0) break;
  }
  return out + text.slice(from);
}

const SECRET_KEY = /^(?:password|passwd|pwd|passphrase|secret|client_?secret|api_?key|apikey|x-api-key|access_?token|refresh_?token|auth_?token|session_?token|id_?token|token|authorization|proxy-authorization|cookie|set-cookie|private_?key|aws_?secret_?access_?key|secret_?access_?key|secretaccesskey|card_?number|cardnumber|cvv|cvc)$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every lone surrogate written as U+FFFD, so it encodes to valid UTF-8 (a native check first: most text has none). */
function wellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATE, '\uFFFD');
}

const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
/** `String.prototype.isWellFormed` (Node 20); the expression where it is missing. */
const isWellFormed: (text: string) => boolean = nativeWellFormed
  ? (text) => nativeWellFormed.call(text)
  : (text) => {
      LONE_SURROGATE.lastIndex = 0;
      return !LONE_SURROGATE.test(text);
    };

/** Fields of an event that are structure, never content: left as they are. */
// `agent` and `source` are free text a caller chooses: they are cleaned like content.
const STRUCTURAL = new Set(['session_id', 'step', 'type', 'ts', 'call_id', 'tool', 'role', 'model', 'status', 'target_step', 'action', 'finish_reasons', 'input_tokens', 'output_tokens', 'duration_ms', 'is_error']);

/**
 * What every built-in secret pattern above needs somewhere in a text (a superset, case aside): a text
 * without any of these holds no secret they mask, so it costs one search, not one per pattern. A
 * result of a hundred thousand records is mostly such short texts (its redaction took ten times its
 * scan). Keep it in step with SECRET_PATTERNS, PEM_BEGIN and CARD_CANDIDATE: test/trace/redact.test.ts
 * checks every pattern's examples against it.
 */
export const SECRET_HINT = /bearer|basic|:\/\/|eyj|[spr]k[-_]|akia|asia|gh[opusr]_|github_pat_|xox[abposr]-|aiza|whsec_|gl(?:pat|dt|ptt|rt|oas|soat)-|gr1348941|hf_|npm_|[?&;][a-z_-]+=|key|token|secret|pass|pwd|\d(?:[ -]?\d){12}/i;

/** Masks the built-in secret formats (and, when asked, emails and phone numbers) in a text. */
export function maskSecrets(text: string, options: Pick<RedactionOptions, 'emails' | 'phones'> = {}): string {
  let masked = text;
  if (SECRET_HINT.test(text)) {
    masked = maskPrivateKeys(masked);
    for (const [pattern, replacement] of SECRET_PATTERNS) masked = masked.replace(pattern, replacement);
    masked = maskCards(masked);
  }
  if (options.emails) masked = masked.replace(EMAIL, REDACTED);
  if (options.phones) masked = masked.replace(PHONE, REDACTED);
  return masked;
}

/** What a record holds where an object or array of the event holds itself (see `clean`). */
export const CIRCULAR = '[circular reference]';
/** Values one record writes out at most (a 10 MB result of records holds about a million). */
export const MAX_RECORDED_VALUES = 1_000_000;
const TOO_MANY_VALUES = `[truncated: more than ${MAX_RECORDED_VALUES} values]`;

/** Characters past `maxStringLength` that masking still reads, so a secret cut by the limit is recognised. */
const CUT_MARGIN = 4_096;

/** Where to cut `text` at `at`: one further when that would split a surrogate pair. */
function cutAfter(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at + 1 : at;
}

/** One event's redaction: the containers open on the way down, the values written, the keys already masked. */
interface Walk {
  open: Set<object>;
  values: number;
  keys: Map<string, string>;
}
const MAX_REMEMBERED_KEYS = 1_024;
const MAX_REMEMBERED_KEY = 128;

export function createRedactor(options: RedactionOptions = {}): <T>(event: T) => T {
  const secrets = options.secrets ?? true;
  const maxLength = options.maxStringLength ?? 65_536;
  const maxDepth = options.maxDepth ?? 64;

  /** A child's JSON pointer: only a mask function reads it, so none is built per value without one. */
  const pathOf = options.mask ? (path: string, key: string | number) => `${path}/${key}` : () => '';

  function cleanString(value: string, path: string, key: string | undefined): string {
    // Only the first maxLength characters are kept: the patterns read them and a margin past them (a secret
    // that starts before the cut is still seen whole enough to be masked), not a 10 MB page (100 ms a string).
    const cut = value.length > maxLength + CUT_MARGIN ? cutAfter(value, maxLength + CUT_MARGIN) : value.length;
    const dropped = value.length - cut;
    let text = wellFormed(cut < value.length ? value.slice(0, cut) : value);
    if (secrets) text = key !== undefined && SECRET_KEY.test(key) ? REDACTED : maskSecrets(text, options);
    if (options.mask) {
      try {
        text = String(options.mask(text, path));
      } catch {
        return MASK_FAILED;
      }
    }
    if (text.length + dropped > maxLength) text = `${text.slice(0, maxLength)}…[truncated ${text.length + dropped - maxLength} chars]`;
    return text;
  }

  /**
   * `walk`: the objects and arrays open on the way to `value` (one met again inside itself is a cycle, written as
   * CIRCULAR), and the values written so far: past MAX_RECORDED_VALUES (one child shared under two keys at every
   * level doubles what is written out with each) the rest is left out, saying so. A value shared without a cycle is
   * written out wherever it is, as JSON.stringify would.
   */
  function clean(value: unknown, path: string, key: string | undefined, depth: number, walk: Walk): unknown {
    if (++walk.values > MAX_RECORDED_VALUES) return TOO_MANY_VALUES;
    if (typeof value === 'string') return cleanString(value, path, key);
    if (value === null || typeof value !== 'object') return value;
    if (depth > maxDepth) return `[truncated: nested deeper than ${maxDepth}]`;
    if (walk.open.has(value)) return CIRCULAR;
    walk.open.add(value);
    try {
      return cleanContainer(value, path, key, depth, walk);
    } finally {
      walk.open.delete(value);
    }
  }

  function cleanContainer(value: object, path: string, key: string | undefined, depth: number, walk: Walk): unknown {
    if (Array.isArray(value)) return value.map((item, index) => clean(item, pathOf(path, index), key, depth + 1, walk));
    const copy: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      // Keys are content too: a secret used as an object key is masked like a value.
      const formedKey = wellFormed(childKey);
      const cleanKey = secrets ? maskedKey(formedKey, walk) : formedKey;
      let uniqueKey = cleanKey;
      for (let suffix = 2; uniqueKey !== formedKey && Object.prototype.hasOwnProperty.call(copy, uniqueKey); suffix += 1) uniqueKey = `${cleanKey}#${suffix}`;
      setDataProperty(copy, uniqueKey, clean(child, pathOf(path, childKey), childKey, depth + 1, walk));
    }
    return copy;
  }

  /** A key as masked: records repeat their keys, so each distinct short key is masked once per event. */
  function maskedKey(key: string, walk: Walk): string {
    let masked = walk.keys.get(key);
    if (masked === undefined) {
      masked = maskSecrets(key, options);
      if (key.length <= MAX_REMEMBERED_KEY && walk.keys.size < MAX_REMEMBERED_KEYS) walk.keys.set(key, masked);
    }
    return masked;
  }

  return function redact<T>(event: T): T {
    if (event === null || typeof event !== 'object') return event;
    const copy: Record<string, unknown> = {};
    const walk: Walk = { open: new Set<object>(), values: 0, keys: new Map() };
    for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
      setDataProperty(copy, key, STRUCTURAL.has(key) ? value : clean(value, `/${key}`, key, 1, walk));
    }
    return copy as T;
  };
}
