const LOOKS_LIKE_JSON = /^\s*[[{]/;

/** The value of a JSON object or array held as text (tool results often are); `undefined` otherwise. */
export function parseJsonText(text: string): unknown {
  if (!LOOKS_LIKE_JSON.test(text)) return undefined;
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
