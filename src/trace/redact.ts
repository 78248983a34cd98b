/**
 * Masks secrets in recorded content before it is written, keeping keys and structure, so a trace
 * can be kept for 30 days and shared in a postmortem. Strings are made well-formed UTF-16 (so they
 * encode to valid UTF-8) and oversized ones are truncated with a marker.
 */
import { setDataProperty } from '../text/data-property.js';
import { hasToJSON, prototypesHaveToJSON } from '../text/json-form.js';

export const REDACTED = '[REDACTED]';
export const MASK_FAILED = '[REDACTION FAILED]';

/** Replaces a string value; `path` is a JSON pointer into the event. Throwing writes MASK_FAILED instead. */
export type MaskFunction = (value: string, path: string) => string;

export interface RedactionOptions {
  /** Mask built-in secret patterns (default true). */
  secrets?: boolean;
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

const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
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
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
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

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY( BLOCK)?-----/g;

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

/** Fields of an event that are structure, never content: left as they are. */
// `agent` and `source` are free text a caller chooses: they are cleaned like content.
const STRUCTURAL = new Set(['session_id', 'step', 'type', 'ts', 'call_id', 'tool', 'role', 'model', 'status', 'target_step', 'action', 'finish_reasons', 'input_tokens', 'output_tokens', 'duration_ms', 'is_error']);

/** Masks the built-in secret formats (and, when asked, emails and phone numbers) in a text. */
export function maskSecrets(text: string, options: Pick<RedactionOptions, 'emails' | 'phones'> = {}): string {
  let masked = maskPrivateKeys(text);
  for (const [pattern, replacement] of SECRET_PATTERNS) masked = masked.replace(pattern, replacement);
  masked = maskCards(masked);
  if (options.emails) masked = masked.replace(EMAIL, REDACTED);
  if (options.phones) masked = masked.replace(PHONE, REDACTED);
  return masked;
}

/** What a record holds where an object or array of the event holds itself (see `clean`). */
export const CIRCULAR = '[circular reference]';
/** Values one record writes out at most (a 10 MB result of records holds about a million). */
export const MAX_RECORDED_VALUES = 1_000_000;
const TOO_MANY_VALUES = `[truncated: more than ${MAX_RECORDED_VALUES} values]`;
/** What a record holds where a value's `toJSON` threw (JSON.stringify would have thrown: the event is kept, saying so). */
export const TO_JSON_FAILED = '[toJSON failed]';

/** One record's walk: the containers open on the way to a value, the values written, and `prototypesHaveToJSON()`. */
interface Walk {
  open: Set<object>;
  values: number;
  prototypesHave: boolean;
}

export function createRedactor(options: RedactionOptions = {}): <T>(event: T) => T {
  const secrets = options.secrets ?? true;
  const maxLength = options.maxStringLength ?? 65_536;
  const maxDepth = options.maxDepth ?? 64;

  function cleanString(value: string, path: string, key: string | undefined): string {
    let text = value.replace(LONE_SURROGATE, '\uFFFD');
    if (secrets) text = key !== undefined && SECRET_KEY.test(key) ? REDACTED : maskSecrets(text, options);
    if (options.mask) {
      try {
        text = String(options.mask(text, path));
      } catch {
        return MASK_FAILED;
      }
    }
    if (text.length > maxLength) text = `${text.slice(0, maxLength)}…[truncated ${text.length - maxLength} chars]`;
    return text;
  }

  /**
   * `walk`: the objects and arrays open on the way to `value` (one met again inside itself is a cycle, written as
   * CIRCULAR), and the values written so far: past MAX_RECORDED_VALUES (one child shared under two keys at every
   * level doubles what is written out with each) the rest is left out, saying so. A value shared without a cycle is
   * written out wherever it is, as JSON.stringify would.
   */
  function clean(value: unknown, path: string, key: string | undefined, depth: number, walk: Walk, property: string): unknown {
    if (++walk.values > MAX_RECORDED_VALUES) return TOO_MANY_VALUES;
    // What is written is what JSON.stringify writes: what `toJSON` answers (a Date's text, a class's chosen fields), cleaned in turn.
    if (((typeof value === 'object' && value !== null) || typeof value === 'function') && hasToJSON(value, walk.prototypesHave)) {
      try {
        value = (value as { toJSON(key: string): unknown }).toJSON(property);
      } catch {
        return TO_JSON_FAILED;
      }
    }
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
    if (Array.isArray(value)) return value.map((item, index) => clean(item, `${path}/${index}`, key, depth + 1, walk, String(index)));
    const copy: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      // Keys are content too: a secret used as an object key is masked like a value.
      const wellFormed = childKey.replace(LONE_SURROGATE, '\uFFFD');
      const cleanKey = secrets ? maskSecrets(wellFormed, options) : wellFormed;
      let uniqueKey = cleanKey;
      for (let suffix = 2; uniqueKey !== wellFormed && Object.prototype.hasOwnProperty.call(copy, uniqueKey); suffix += 1) uniqueKey = `${cleanKey}#${suffix}`;
      setDataProperty(copy, uniqueKey, clean(child, `${path}/${childKey}`, childKey, depth + 1, walk, childKey));
    }
    return copy;
  }

  return function redact<T>(event: T): T {
    if (event === null || typeof event !== 'object') return event;
    const copy: Record<string, unknown> = {};
    const walk: Walk = { open: new Set<object>(), values: 0, prototypesHave: prototypesHaveToJSON() };
    for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
      setDataProperty(copy, key, STRUCTURAL.has(key) ? value : clean(value, `/${key}`, key, 1, walk, key));
    }
    return copy as T;
  };
}
