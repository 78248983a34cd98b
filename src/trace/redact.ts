/**
 * Masks secrets in recorded content before it is written, keeping keys and structure, so a trace
 * can be kept for 30 days and shared in a postmortem. Strings are made well-formed UTF-16 (so they
 * encode to valid UTF-8) and oversized ones are truncated with a marker.
 */
import { setDataProperty } from '../text/data-property.js';
import type { SlicedWork } from '../text/in-slices.js';
import { hasToJSON, prototypesHaveToJSON } from '../text/json-form.js';

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

/**
 * The password of a URL's user info, `$1` the part kept (`redis://user:` of `redis://user:pass@host`); the user
 * may be empty (`redis://:pass@host`, how Redis URLs carry a password alone).
 */
export const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;

export const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [URL_PASSWORD, `$1${REDACTED}@`],
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
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed() ? text : text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Fields of an event that are structure, never content: left as they are. */
// `agent` and `source` are free text a caller chooses: they are cleaned like content.
const STRUCTURAL = new Set(['session_id', 'step', 'type', 'ts', 'call_id', 'tool', 'role', 'model', 'status', 'target_step', 'action', 'finish_reasons', 'input_tokens', 'output_tokens', 'duration_ms', 'is_error']);

/**
 * What every built-in secret pattern above needs somewhere in a text (a superset, case aside): a text
 * without any of these holds no secret they mask, so it costs one search, not one per pattern. A
 * result of a hundred thousand records is mostly such short texts (its redaction took ten times its
 * scan). Alternatives sharing a first letter are grouped (a quarter faster). Keep it in step with
 * SECRET_PATTERNS, PEM_BEGIN and CARD_CANDIDATE: test/trace/redact.test.ts checks it is their superset.
 */
export const SECRET_HINT = /[spr]k[-_]|b(?:earer|asic)|:\/\/|eyj|a(?:kia|sia|iza)|g(?:h[opusr]_|ithub_pat_|l(?:pat|dt|ptt|rt|oas|soat)-|r1348941)|xox[abposr]-|whsec_|hf_|npm_|[?&;][a-z_-]+=|key|token|secret|p(?:ass|wd)|\d(?:[ -]?\d){12}/i;

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
/** What a record holds where a value's `toJSON` threw (JSON.stringify would have thrown: the event is kept, saying so). */
export const TO_JSON_FAILED = '[toJSON failed]';

/** Characters past `maxStringLength` that masking still reads, so a secret cut by the limit is recognised. */
const CUT_MARGIN = 4_096;

/** Where to cut `text` at `at`: one further when that would split a surrogate pair. */
function cutAfter(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at + 1 : at;
}

/** A container being walked: its source, how far the walk is in it, and what its strings are cleaned as. */
interface Frame {
  source: Record<string, unknown> | unknown[];
  /** An object's own enumerable keys; undefined for an array. */
  keys: string[] | undefined;
  length: number;
  index: number;
  /** Its copy, made once something in it differs from the source (at once for all but plain containers, see `Redaction`). */
  copy: Record<string, unknown> | unknown[] | undefined;
  /** Where its value goes in the container above it, and the value there it stands for (before `toJSON`). */
  slot: string | number;
  original: unknown;
  path: string;
  /** The key its strings are read under (an array's items take the array's key). */
  key: string | undefined;
  depth: number;
  /** Values walked before it opened: its size, when it closes, tells a large container. */
  valuesBefore: number;
}

/** Containers holding more values than this are serialised a part at a time (`JsonLine`); smaller ones natively, whole. */
const LARGE_CONTAINER = 2_048;
const MAX_REMEMBERED_KEYS = 1_024;
const MAX_REMEMBERED_KEY = 128;
/** What `clean` returns for a container it opened: its value is given to its parent when it closes. */
const OPENED = Symbol('opened');

/** What `compute` gives for `key`, remembered in `memory` while it holds fewer than MAX_REMEMBERED_KEYS short keys. */
function rememberedFor<V>(memory: Map<string, V>, key: string, compute: () => V): V {
  let value = memory.get(key);
  if (value === undefined) {
    value = compute();
    if (key.length <= MAX_REMEMBERED_KEY && memory.size < MAX_REMEMBERED_KEYS) memory.set(key, value);
  }
  return value;
}

/** How strings and keys are cleaned: fixed per redactor. */
interface Cleaner {
  string(value: string, path: string, key: string | undefined): string;
  key(key: string, remembered: Map<string, string>): string;
  pathOf(path: string, key: string | number): string;
  maxDepth: number;
  secrets: boolean;
}

/** A plain object or array with no `toJSON`: JSON writes its own enumerable keys, as the walk read them. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  const plain = Array.isArray(value) ? prototype === Array.prototype : prototype === Object.prototype || prototype === null;
  return plain && !Object.hasOwn(value, 'toJSON');
}

/**
 * One event's redacted form, made a slice at a time: the walk keeps its own stack, so a result of a million
 * values can pause between slices (the guard records it without holding the event loop) where a recursive
 * copy could not. The stack is the way down to the current value: one met again on it is a cycle, written as
 * CIRCULAR. Past MAX_RECORDED_VALUES (one child shared under two keys at every level doubles what is written
 * out with each) the rest is left out, saying so; a value shared without a cycle is written out wherever it
 * is, as JSON.stringify would.
 * With `copyAll` false (the sinks), a plain container in which nothing was masked, cut or marked is not
 * copied: the result holds the event's own, and a result of records with no secret in them is written
 * from the records themselves (copying them was most of the cost, and of the garbage).
 */
export class Redaction implements SlicedWork<unknown> {
  private readonly stack: Frame[] = [];
  private readonly open = new Set<object>();
  /** Keys already masked: records repeat their keys, so each distinct short key is masked once per event. */
  private readonly keys = new Map<string, string>();
  private values = 0;
  private out: unknown;
  /** Whether Object.prototype or Array.prototype was given a `toJSON` (then every object is asked). */
  private readonly prototypesHave = prototypesHaveToJSON();
  /** The containers of the result that hold more than LARGE_CONTAINER values (plain, copies or the event's own). */
  readonly large = new Set<object>();

  constructor(
    private readonly cleaner: Cleaner,
    event: unknown,
    private readonly copyAll: boolean,
  ) {
    this.out = event;
    if (event === null || typeof event !== 'object') return;
    const keys = Object.keys(event);
    // Depth 0: the event's own fields, whose keys are structure and some of whose values are (STRUCTURAL). Always copied.
    this.stack.push({ source: event as Record<string, unknown>, keys, length: keys.length, index: 0, copy: {}, slot: '', original: event, path: '', key: undefined, depth: 0, valuesBefore: 0 });
  }

  run(deadline: number): boolean {
    const stack = this.stack;
    let count = 0;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.index >= frame.length) this.close(frame);
      else this.step(frame);
      if ((++count & 255) === 0 && performance.now() > deadline) return false;
    }
    return true;
  }

  result(): unknown {
    return this.out;
  }

  /** Walks one member of `frame`. */
  private step(frame: Frame): void {
    const index = frame.index++;
    if (frame.keys === undefined) {
      const source = frame.source as unknown[];
      if (this.values >= MAX_RECORDED_VALUES) {
        // Past the bound an array ends with one marker: `new Array(2 ** 32 - 1)` holds nothing and takes no
        // memory, and walking its places one by one, holes included, would never end.
        const copy = this.copyOf(frame, index) as unknown[];
        copy.length = index;
        copy.push(TOO_MANY_VALUES);
        frame.index = frame.length;
        return;
      }
      // A hole stays a hole (JSON writes null for it), as Array.prototype.map leaves it; it counts toward the bound.
      if (!(index in source)) {
        this.values += 1;
        return;
      }
      const item = source[index];
      const value = this.clean(item, this.cleaner.pathOf(frame.path, index), frame.key, frame.depth + 1, index, String(index));
      if (value !== OPENED) this.give(frame, index, item, value);
      return;
    }
    const childKey = frame.keys[index]!;
    const child = (frame.source as Record<string, unknown>)[childKey];
    if (frame.depth === 0) {
      const value = STRUCTURAL.has(childKey) ? child : this.clean(child, `/${childKey}`, childKey, 1, childKey, childKey);
      if (value !== OPENED) this.give(frame, childKey, child, value);
      return;
    }
    // Keys are content too: a secret used as an object key is masked like a value.
    const formedKey = wellFormed(childKey);
    const cleanKey = this.cleaner.secrets ? this.cleaner.key(formedKey, this.keys) : formedKey;
    let slot = cleanKey;
    if (cleanKey !== childKey) {
      const copy = this.copyOf(frame, index) as Record<string, unknown>;
      for (let suffix = 2; slot !== formedKey && Object.prototype.hasOwnProperty.call(copy, slot); suffix += 1) slot = `${cleanKey}#${suffix}`;
    }
    const value = this.clean(child, this.cleaner.pathOf(frame.path, childKey), childKey, frame.depth + 1, slot, childKey);
    if (value !== OPENED) this.give(frame, slot, child, value);
  }

  /** Closes `frame`: its value (its copy, or its source when nothing in it changed) goes to its parent. */
  private close(frame: Frame): void {
    this.stack.pop();
    this.open.delete(frame.source);
    const value = frame.copy ?? frame.source;
    if (this.values - frame.valuesBefore > LARGE_CONTAINER) this.large.add(value);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.out = value;
    else this.give(parent, frame.slot, frame.original, value);
  }

  /** Puts a member's value in `frame`: into its copy, made now if the value differs from the source's. */
  private give(frame: Frame, slot: string | number, original: unknown, value: unknown): void {
    if (frame.copy === undefined) {
      if (value === original) return;
      this.copyOf(frame, frame.index - 1);
    }
    setDataProperty(frame.copy!, slot, value);
  }

  /** `frame`'s copy, made with its first `members` members as the source has them (they were unchanged). */
  private copyOf(frame: Frame, members: number): Record<string, unknown> | unknown[] {
    if (frame.copy !== undefined) return frame.copy;
    if (frame.keys === undefined) {
      const source = frame.source as unknown[];
      const copy = new Array<unknown>(frame.length);
      for (let index = 0; index < members; index += 1) if (index in source) copy[index] = source[index];
      frame.copy = copy;
    } else {
      const copy: Record<string, unknown> = {};
      for (let index = 0; index < members; index += 1) setDataProperty(copy, frame.keys[index]!, (frame.source as Record<string, unknown>)[frame.keys[index]!]);
      frame.copy = copy;
    }
    return frame.copy;
  }

  /**
   * A value's redacted form: a string cleaned, a container opened (OPENED: it is given when it closes), anything else as
   * it is. What is written is what JSON.stringify writes: what `toJSON` answers (a Date's text, a class's chosen fields,
   * called with the property's key), cleaned in turn.
   */
  private clean(original: unknown, path: string, key: string | undefined, depth: number, slot: string | number, property: string): unknown {
    if (++this.values > MAX_RECORDED_VALUES) return TOO_MANY_VALUES;
    let value = original;
    if (((typeof value === 'object' && value !== null) || typeof value === 'function') && hasToJSON(value, this.prototypesHave)) {
      try {
        value = (value as { toJSON(key: string): unknown }).toJSON(property);
      } catch {
        return TO_JSON_FAILED;
      }
    }
    if (typeof value === 'string') return this.cleaner.string(value, path, key);
    if (value === null || typeof value !== 'object') return value;
    if (depth > this.cleaner.maxDepth) return `[truncated: nested deeper than ${this.cleaner.maxDepth}]`;
    if (this.open.has(value)) return CIRCULAR;
    this.open.add(value);
    const array = Array.isArray(value);
    const keys = array ? undefined : Object.keys(value);
    const length = array ? (value as unknown[]).length : keys!.length;
    const frame: Frame = { source: value as Record<string, unknown>, keys, length, index: 0, copy: undefined, slot, original, path, key, depth, valuesBefore: this.values };
    // Only a plain container may be written as it is when nothing in it changes.
    if (this.copyAll || !isPlain(value)) this.copyOf(frame, 0);
    this.stack.push(frame);
    return OPENED;
  }
}

/**
 * A redactor: `redact` copies an event at once; `work` gives the same redacted form as work done a slice at
 * a time, sharing the event's plain containers that needed no change (to be written out at once, not kept).
 */
export interface Redactor {
  redact<T>(event: T): T;
  work(event: unknown): Redaction;
}

export function createRedactor(options: RedactionOptions = {}): <T>(event: T) => T {
  return redactorOf(options).redact;
}

export function redactorOf(options: RedactionOptions = {}): Redactor {
  const secrets = options.secrets ?? true;
  const maxLength = options.maxStringLength ?? 65_536;
  const maxDepth = options.maxDepth ?? 64;

  /** Whether a key names a secret, remembered per key: every string is read under its key, and keys repeat. */
  const secretKeys = new Map<string, boolean>();
  const isSecretKey = (key: string): boolean => rememberedFor(secretKeys, key, () => SECRET_KEY.test(key));

  function cleanString(value: string, path: string, key: string | undefined): string {
    // Only the first maxLength characters are kept: the patterns read them and a margin past them (a secret
    // that starts before the cut is still seen whole enough to be masked), not a 10 MB page (100 ms a string).
    const cut = value.length > maxLength + CUT_MARGIN ? cutAfter(value, maxLength + CUT_MARGIN) : value.length;
    const dropped = value.length - cut;
    let text = wellFormed(cut < value.length ? value.slice(0, cut) : value);
    if (secrets) text = key !== undefined && isSecretKey(key) ? REDACTED : maskSecrets(text, options);
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

  const cleaner: Cleaner = {
    string: cleanString,
    key: (key, remembered) => rememberedFor(remembered, key, () => maskSecrets(key, options)),
    // A child's JSON pointer: only a mask function reads it, so none is built per value without one.
    pathOf: options.mask ? (path, key) => `${path}/${key}` : () => '',
    maxDepth,
    secrets,
  };

  return {
    redact<T>(event: T): T {
      const work = new Redaction(cleaner, event, true);
      work.run(Infinity);
      return work.result() as T;
    },
    work: (event) => new Redaction(cleaner, event, false),
  };
}
