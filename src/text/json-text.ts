const LOOKS_LIKE_JSON = /^\s*[[{]/;

/** Whether text starts (after whitespace) with `[` or `{`: decided by its first character for nearly all text. */
function looksLikeJson(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 91 || first === 123) return true;
  // Printable ASCII other than a bracket (most strings): no need for the regular expression.
  if (first > 32 && first < 127) return false;
  return text.length > 0 && LOOKS_LIKE_JSON.test(text);
}

/** The value of a JSON object or array held as text (tool results often are); `undefined` otherwise. */
export function parseJsonText(text: string): unknown {
  if (!looksLikeJson(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Tool-call arguments as a model emitted them: the object when the text is a JSON object, else the
 * text itself, so that the guard can flag it (TOOL_ARG_MISMATCH) instead of losing it.
 */
export function toolArguments(text: string): Record<string, unknown> | string {
  const parsed = parseJsonText(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : text;
}
