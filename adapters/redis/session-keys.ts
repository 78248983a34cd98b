/**
 * Where one session's keys live: `{prefix}{tag}:meta`, `:log`, `:start`, `:resv`, `:resv-amounts`,
 * `:questions`, all sharing the hash tag `{tag}`, so a cluster keeps them on one slot.
 */

/** The parts of a session, in the order every script takes them as KEYS[1..6]. */
export const SESSION_KEY_PARTS = ['meta', 'log', 'start', 'resv', 'resv-amounts', 'questions'] as const;
export type SessionKeyPart = (typeof SESSION_KEY_PARTS)[number];

// '%', the braces and lone surrogates: '%' so the escape reads back one way, the braces so no id ends
// the tag early or leaves it empty (Redis then hashes each whole key: one slot per key, and the scripts
// are refused as cross-slot), lone surrogates because they reach Redis as U+FFFD in UTF-8, so '\uD800'
// and '\uFFFD' would share their keys.
const ESCAPED = /[%{}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The session id as its keys' hash tag: unchanged but for '%', '{', '}' and lone surrogates, written
 * `%7B`-style (surrogates `%uD800`). One id, one tag, and no two ids share one; the tag is never empty.
 */
export function hashTag(sessionId: string): string {
  return sessionId.replace(ESCAPED, (found) => (found.length === 1 && found.charCodeAt(0) < 0x80 ? `%${found.charCodeAt(0).toString(16).toUpperCase()}` : `%u${found.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** The session id a hash tag stands for (the listing index holds tags: raw ids would meet as U+FFFD too). */
export function sessionIdOfTag(tag: string): string {
  return tag.replace(/%(?:u([0-9A-F]{4})|([0-9A-F]{2}))/g, (_, unit: string | undefined, byte: string | undefined) => String.fromCharCode(parseInt(unit ?? byte!, 16)));
}

/** One key of a session. */
export function sessionKey(prefix: string, sessionId: string, part: SessionKeyPart): string {
  return `${prefix}{${hashTag(sessionId)}}:${part}`;
}

/** All six keys of a session, in the order the scripts take them. */
export function sessionKeys(prefix: string, sessionId: string): string[] {
  const base = `${prefix}{${hashTag(sessionId)}}`;
  return SESSION_KEY_PARTS.map((part) => `${base}:${part}`);
}

/** The index `warden sessions` lists: sessions' hash tags by last activity. */
export function indexKey(prefix: string): string {
  return `${prefix}sessions`;
}
