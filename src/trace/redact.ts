/**
 * Masks secrets in recorded content before it is written, keeping keys and structure, so a trace
 * can be kept for 30 days and shared in a postmortem. Strings are made well-formed UTF-16 (so they
 * encode to valid UTF-8) and oversized ones are truncated with a marker.
 */

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
  [/\b((?:api[_-]?key|access[_-]?token|secret|password|passwd|pwd|client[_-]?secret)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi, `$1${REDACTED}`],
];

const SECRET_KEY = /^(?:password|passwd|pwd|secret|client_?secret|api_?key|apikey|access_?token|refresh_?token|auth_?token|token|authorization|cookie|set-cookie|private_?key)$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Fields of an event that are structure, never content: left as they are. */
const STRUCTURAL = new Set(['session_id', 'step', 'type', 'ts', 'agent', 'call_id', 'tool', 'role', 'model', 'status', 'target_step', 'action', 'source', 'finish_reasons', 'input_tokens', 'output_tokens', 'duration_ms', 'is_error']);

export function maskSecrets(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) masked = masked.replace(pattern, replacement);
  return masked;
}

export function createRedactor(options: RedactionOptions = {}): <T>(event: T) => T {
  const secrets = options.secrets ?? true;
  const maxLength = options.maxStringLength ?? 65_536;
  const maxDepth = options.maxDepth ?? 64;

  function cleanString(value: string, path: string, key: string | undefined): string {
    let text = value.replace(LONE_SURROGATE, '\uFFFD');
    if (secrets) text = key !== undefined && SECRET_KEY.test(key) ? REDACTED : maskSecrets(text);
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

  function clean(value: unknown, path: string, key: string | undefined, depth: number): unknown {
    if (typeof value === 'string') return cleanString(value, path, key);
    if (value === null || typeof value !== 'object') return value;
    if (depth > maxDepth) return `[truncated: nested deeper than ${maxDepth}]`;
    if (Array.isArray(value)) return value.map((item, index) => clean(item, `${path}/${index}`, key, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      const cleanKey = childKey.replace(LONE_SURROGATE, '\uFFFD');
      // defineProperty: a `__proto__` key stays data and cannot reach the prototype.
      Object.defineProperty(copy, cleanKey, { value: clean(child, `${path}/${childKey}`, childKey, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }

  return function redact<T>(event: T): T {
    if (event === null || typeof event !== 'object') return event;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
      copy[key] = STRUCTURAL.has(key) ? value : clean(value, `/${key}`, key, 1);
    }
    return copy as T;
  };
}
