/** The parts of a sampling/createMessage request the guard reads. */
export interface SamplingParams {
  messages?: Array<{ role?: unknown; content?: unknown }>;
  systemPrompt?: unknown;
  maxTokens?: unknown;
  modelPreferences?: { hints?: Array<{ name?: unknown }> };
}

/** Model name a sampling request prices against: the server's first hint, when it gives one. */
export function samplingModel(params: SamplingParams): string {
  const hint = params.modelPreferences?.hints?.[0]?.name;
  return typeof hint === 'string' && hint !== '' ? hint : 'mcp-sampling';
}

/** The text of a sampling exchange (system prompt, then each message's text blocks), for the injection scan and token estimates. */
export function samplingText(params: SamplingParams): string {
  const parts: string[] = [];
  if (typeof params.systemPrompt === 'string') parts.push(params.systemPrompt);
  for (const message of Array.isArray(params.messages) ? params.messages : []) {
    const blocks = Array.isArray(message?.content) ? message.content : [message?.content];
    for (const block of blocks) collectText(block, parts, 0);
  }
  return parts.join('\n');
}

function collectText(block: unknown, parts: string[], depth: number): void {
  if (typeof block !== 'object' || block === null || depth > 4) return;
  const { type, text, content } = block as { type?: unknown; text?: unknown; content?: unknown };
  if (type === 'text' && typeof text === 'string') parts.push(text);
  // A tool_result block nests its own content blocks.
  else if (Array.isArray(content)) for (const inner of content) collectText(inner, parts, depth + 1);
}
