import { escapeUnsafe } from '../trace/printable.js';
import { maskSecrets, SECRET_HINT } from '../trace/redact.js';

/**
 * Characters read past a cut when masking, as the postmortem reads them: a secret that starts before the cut
 * (a JWT runs to a thousand characters) is seen whole and masked, and a huge line still costs a bounded read.
 */
const MASK_LOOKAHEAD = 4096;

/**
 * Any untrusted string the CLI prints (a session id, a tool name, a flag's message, an error quoting input),
 * made safe to print on one line: secrets masked with the recorder's own patterns (API keys, bearer tokens,
 * JWTs, URL passwords, card numbers, private keys), then every control, bidi control and zero-width
 * character escaped (`\u001b`, `\u202e`, `\n`), and the length capped with a count of what was cut.
 */
export function safeMessage(text: string, maxLength = 1000): string {
  const head = text.length > maxLength ? text.slice(0, maxLength + MASK_LOOKAHEAD) : text;
  const masked = maskSecrets(head);
  const shown = masked.length > maxLength ? masked.slice(0, maxLength) : masked;
  const more = text.length - head.length + masked.length - shown.length;
  return more > 0 ? `${escapeUnsafe(shown)}… (${more} more characters)` : escapeUnsafe(shown);
}

/**
 * Text a command prints as several lines on purpose (a table, a drafted postmortem): the same, but its own
 * newlines and tabs kept and nothing cut. Untrusted fields inside it go through `safeMessage` first, so
 * none of them can start a line of its own.
 */
export function terminalSafe(text: string): string {
  return escapeUnsafe(maskSecrets(text), true);
}

/** Every string of a value as printed: secrets masked. */
const maskedStrings = (_key: string, value: unknown) => (typeof value === 'string' ? maskSecrets(value) : value);

/**
 * `JSON.stringify(value, null, indent)` for a terminal: secrets in its strings masked, and the characters
 * JSON leaves raw that a terminal acts on or hides (C1 controls, bidi controls, zero-width, U+2028) written as
 * `\uXXXX` escapes, which JSON reads back as the same characters: the text stays valid JSON of the same value.
 */
export function jsonForTerminal(value: unknown, indent?: number): string {
  // Written again with the masking replacer only when some string might hold a secret (the patterns' cheap
  // common hint; triage's totals name tokens, so its sessions always are: a few microseconds each, against
  // the fraction of a millisecond triage spends on one). Masking the JSON text itself could eat an escape
  // (`\"`) or run a private key past its string's end, and leave no JSON.
  const text = JSON.stringify(value, null, indent);
  return escapeUnsafe(SECRET_HINT.test(text) ? JSON.stringify(value, maskedStrings, indent) : text, true);
}
