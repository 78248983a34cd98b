const KEY = '"session_id"';

/** JSON whitespace: space, tab, line feed, carriage return. */
function skipSpace(text: string, at: number): number {
  let index = at;
  for (let code = text.charCodeAt(index); code === 32 || code === 9 || code === 10 || code === 13; code = text.charCodeAt(++index));
  return index;
}

/**
 * The `session_id` of a JSON line, read without parsing it, or `undefined` when that cannot be told
 * for certain (the caller parses the line instead). Exact: whenever the line is a JSON object with a
 * top-level string `session_id`, a string returned here is that value. It needs the key to appear
 * once, spelled plainly (no `\u` escape anywhere could spell it again, as JSON allows, and a repeated
 * key would make the last one win), and a value with no escape in it. On a line that is not such an
 * object the answer means nothing, and the line is rejected when it is parsed.
 * @example quickSessionId('{"session_id":"s1","step":0}') // 's1'
 */
export function quickSessionId(text: string): string | undefined {
  const key = text.indexOf(KEY);
  if (key === -1 || text.indexOf(KEY, key + KEY.length) !== -1 || text.includes('\\u')) return undefined;
  let at = skipSpace(text, key + KEY.length);
  if (text.charCodeAt(at) !== 58 /* : */) return undefined;
  at = skipSpace(text, at + 1);
  if (text.charCodeAt(at) !== 34 /* " */) return undefined;
  const end = text.indexOf('"', at + 1);
  if (end <= at + 1) return undefined;
  const escape = text.indexOf('\\', at + 1);
  if (escape !== -1 && escape < end) return undefined;
  return text.slice(at + 1, end);
}

/**
 * A copy of a session id from `quickSessionId` that no longer keeps its line alive (V8 shares the
 * parent's characters with any slice of 13 or more): for an id kept after its line is gone.
 */
export function detached(slice: string): string {
  if (slice.length < 13) return slice;
  try {
    return JSON.parse(`"${slice}"`) as string; // A fresh string: the slice holds no quote or backslash.
  } catch {
    return slice; // Control characters: the line they came from is no valid event anyway.
  }
}
