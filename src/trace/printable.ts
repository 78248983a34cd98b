/**
 * What a terminal must never be handed as it is: C0 and C1 controls (ESC starts CSI and OSC 8 links, CSI alone
 * is U+009B), DEL, the bidi embeddings, overrides, isolates and marks that reorder the text shown around them
 * (U+202A-202E, U+2066-2069, U+200E/F, U+061C), zero-width characters that hide what is there, the Unicode line
 * and paragraph separators, U+FFFD (what a broken byte became) and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same, but newline and tab pass: for text a command writes as several lines on purpose. */
const UNSAFE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\t') return '\\t';
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every character a terminal could act on or hide written as an escape (`\\u001b`, `\\u202e`, `\\n`). */
export function escapeUnsafe(text: string, keepLines = false): string {
  return text.replace(keepLines ? UNSAFE_IN_LINES : UNSAFE, escapeChar);
}

/**
 * Text from a trace made safe for a terminal, on one line: controls (ESC, NUL, bell, newline...), bidi
 * controls and zero-width characters, and lone surrogates escaped, the length capped. Whatever a file
 * holds, echoing it cannot drive the terminal, reorder what is shown, or start a line of its own.
 */
export function printable(text: string, maxLength = 200): string {
  const cut = text.length > maxLength ? text.slice(0, maxLength) : text;
  const escaped = escapeUnsafe(cut);
  return text.length > maxLength ? `${escaped}… (${text.length - maxLength} more characters)` : escaped;
}

/**
 * A short JSON preview of any value, built without serializing all of it: stops after `maxLength`
 * characters and writes `…` below `maxDepth` levels, so a 50 MB result or arguments nested 100,000
 * levels deep cost no more than a small value.
 */
export function previewJson(value: unknown, maxLength = 160, maxDepth = 12): string {
  let out = '';
  const full = () => out.length >= maxLength;
  const visit = (item: unknown, depth: number): void => {
    if (full()) return;
    if (item === null || typeof item !== 'object') {
      const text = item === undefined ? 'null' : JSON.stringify(item);
      out += text === undefined ? 'null' : text.length > maxLength ? text.slice(0, maxLength) : text;
      return;
    }
    if (depth >= maxDepth) {
      out += Array.isArray(item) ? '[…]' : '{…}';
      return;
    }
    if (Array.isArray(item)) {
      out += '[';
      for (let index = 0; index < item.length && !full(); index += 1) {
        if (index > 0) out += ',';
        visit(item[index], depth + 1);
      }
      out += ']';
      return;
    }
    out += '{';
    let first = true;
    for (const key in item) {
      if (!Object.hasOwn(item, key)) continue;
      if (full()) break;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key.length > maxLength ? key.slice(0, maxLength) : key)}:`;
      visit((item as Record<string, unknown>)[key], depth + 1);
    }
    out += '}';
  };
  visit(value, 0);
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}
