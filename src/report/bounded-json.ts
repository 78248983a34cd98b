/** The first `limit` characters of a value's indented JSON, and the length of the whole. */
export interface BoundedText {
  text: string;
  /** Length of the whole text, as `JSON.stringify(value, null, 2)` would write it. */
  size: number;
  truncated: boolean;
}

/**
 * Writes a value as `JSON.stringify(value, null, 2)` would, keeping only the first `limit`
 * characters while counting the rest: a 50 MB tool result costs a walk, not a 50 MB string.
 * A string value is shown as it is (not quoted). Nesting deeper than `maxDepth` is written as a marker.
 */
export function boundedJson(value: unknown, limit: number, maxDepth = 64): BoundedText {
  if (typeof value === 'string') return cut(value, limit);
  const parts: string[] = [];
  let kept = 0;
  let size = 0;
  const write = (text: string) => {
    size += text.length;
    if (kept >= limit) return;
    const room = limit - kept;
    if (text.length <= room) {
      parts.push(text);
      kept += text.length;
      return;
    }
    parts.push(cut(text, room).text);
    kept = limit;
  };
  const writeValue = (item: unknown, indent: string, depth: number): void => {
    if (item === null || typeof item === 'number' || typeof item === 'boolean' || typeof item === 'string') {
      write(typeof item === 'number' && !Number.isFinite(item) ? 'null' : JSON.stringify(item));
      return;
    }
    if (typeof item === 'bigint') {
      write(JSON.stringify(item.toString()));
      return;
    }
    if (typeof item !== 'object') {
      write('null');
      return;
    }
    if (depth >= maxDepth) {
      write(JSON.stringify(`[nested deeper than ${maxDepth}]`));
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(item)) {
      if (item.length === 0) return write('[]');
      write('[');
      item.forEach((element, index) => {
        write(`${index === 0 ? '' : ','}\n${inner}`);
        const kind = typeof element;
        writeValue(element === undefined || kind === 'function' || kind === 'symbol' ? null : element, inner, depth + 1);
      });
      write(`\n${indent}]`);
      return;
    }
    const entries = Object.entries(item as Record<string, unknown>).filter(([, child]) => child !== undefined && typeof child !== 'function' && typeof child !== 'symbol');
    if (entries.length === 0) return write('{}');
    write('{');
    entries.forEach(([key, child], index) => {
      write(`${index === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `);
      writeValue(child, inner, depth + 1);
    });
    write(`\n${indent}}`);
  };
  writeValue(value, '', 0);
  const text = parts.join('');
  return { text, size, truncated: size > text.length };
}

function cut(text: string, limit: number): BoundedText {
  if (text.length <= limit) return { text, size: text.length, truncated: false };
  // Never split a surrogate pair: the page would show a broken character.
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), size: text.length, truncated: true };
}

/** A one-line preview of a value, at most `length` characters (whitespace collapsed). */
export function clipLine(value: unknown, length: number): string {
  const { text, truncated } = typeof value === 'string' ? cut(value, length * 4) : boundedJson(value, length * 4);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length || truncated ? `${cut(flat, length).text}…` : flat;
}
