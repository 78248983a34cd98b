import { hexValue } from './injection-normalize.js';

/** Passes of decoding: `%255F` is `%5F` after one and `_` after two; a third layer is left as written. */
const PASSES = 2;

/**
 * Percent-escapes of printable ASCII decoded, as a server decodes a URL before it looks a record up
 * (`/orders/ord%5F9002` names `ord_9002`, `%23W1234567` names `#W1234567`). Malformed escapes (`%G1`, a
 * `%` at the end) and escapes of control or non-ASCII bytes stay as written, so it never throws. Linear:
 * one indexOf walk per pass, and text without `%` is returned untouched.
 */
export function decodePercentEscapes(text: string): string {
  let decoded = text;
  for (let pass = 0; pass < PASSES && decoded.includes('%'); pass += 1) {
    const next = decodeOnce(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
}

function decodeOnce(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('%'); at >= 0 && at + 2 < text.length; at = text.indexOf('%', at + 1)) {
    const code = hexValue(text.charCodeAt(at + 1)) * 16 + hexValue(text.charCodeAt(at + 2));
    if (code <= 0x20 || code >= 0x7f) continue;
    out += text.slice(copied, at) + String.fromCharCode(code);
    copied = at + 3;
    at += 2;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
