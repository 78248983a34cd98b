/**
 * Text from a trace made safe for a terminal: control characters (ESC, NUL, bell...) and lone
 * surrogates escaped, the length capped. Whatever a file holds, echoing it cannot drive the terminal.
 */
export function printable(text: string, maxLength = 200): string {
  const cut = text.length > maxLength ? text.slice(0, maxLength) : text;
  const escaped = cut.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (char) =>
    char === '\ufffd' ? '\\ufffd' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  ).replace(/[\n\t]/g, (char) => (char === '\n' ? '\\n' : '\\t'));
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
