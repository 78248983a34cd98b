import type { ModelToolCall } from './events.js';

/**
 * The well-formed tool calls of an `llm.call` output. Readers accept any `tool_calls` there (the
 * format is lenient on it), so forensics take only objects with a string `id` and `name`.
 */
export function modelToolCalls(output: unknown): ModelToolCall[] {
  const calls = output !== null && typeof output === 'object' ? (output as { tool_calls?: unknown }).tool_calls : undefined;
  if (!Array.isArray(calls)) return [];
  return calls.filter((call): call is ModelToolCall => call !== null && typeof call === 'object' && typeof (call as ModelToolCall).id === 'string' && typeof (call as ModelToolCall).name === 'string');
}
