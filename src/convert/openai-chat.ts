import type { ToolDefinition, TraceEvent, ModelToolCall } from '../trace/events.js';
import { toToolDefinition, type ToolDefinitionLike } from '../tool-definition.js';
import { parseJsonText, toolArguments } from '../text/json-text.js';

/** One message of an OpenAI-style chat transcript. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'function' | string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ id: string; type?: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  name?: string;
}

export interface ConvertOptions {
  sessionId: string;
  tools?: ToolDefinitionLike[];
  model?: string;
  goal?: string;
  entities?: Record<string, string | string[]>;
  metadata?: Record<string, unknown>;
}

function text(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
  return '';
}


/**
 * Turns an OpenAI-style transcript (messages with `tool_calls`, `tool` role results) into trace v1:
 * each assistant message is an `llm.call` (and a `message` when it said something to the user),
 * each of its tool calls a `tool.call`, each `tool` message a `tool.result`.
 */
export function convertChatTranscript(messages: readonly ChatMessage[], options: ConvertOptions): TraceEvent[] {
  const session_id = options.sessionId;
  const events: TraceEvent[] = [];
  let step = 0;
  const push = (event: Record<string, unknown>) => events.push({ session_id, step: step++, ...event } as TraceEvent);
  push({
    type: 'session.start',
    ...(options.goal !== undefined ? { goal: options.goal } : {}),
    ...(options.entities !== undefined ? { entities: options.entities } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  });
  if (options.tools && options.tools.length > 0) {
    const tools: ToolDefinition[] = options.tools.map(toToolDefinition);
    push({ type: 'tool.definitions', tools });
  }
  const callNames = new Map<string, string>();
  for (const message of messages) {
    const content = text(message.content);
    if (message.role === 'system' || message.role === 'user') {
      push({ type: 'message', role: message.role, content });
    } else if (message.role === 'assistant') {
      const toolCalls: ModelToolCall[] = (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: toolArguments(call.function.arguments) }));
      push({
        type: 'llm.call',
        model: options.model ?? 'unknown',
        finish_reasons: [toolCalls.length > 0 ? 'tool_calls' : 'stop'],
        output: { ...(content !== '' ? { text: content } : {}), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
      });
      if (content !== '' && toolCalls.length === 0) push({ type: 'message', role: 'assistant', content });
      for (const call of toolCalls) {
        callNames.set(call.id, call.name);
        push({ type: 'tool.call', call_id: call.id, tool: call.name, arguments: call.arguments });
      }
    } else if (message.role === 'tool' || message.role === 'function') {
      const callId = message.tool_call_id ?? `unlinked_${step}`;
      push({ type: 'tool.result', call_id: callId, tool: message.name ?? callNames.get(callId) ?? 'unknown', result: parseJsonText(content) ?? content });
    }
  }
  return events;
}
