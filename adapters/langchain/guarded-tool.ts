/**
 * A LangChain tool run through the guard outside `createAgent` (a LangGraph `ToolNode`, `tool.invoke`),
 * and otherwise the original: name, description, schema, returnDirect, responseFormat, metadata, tags,
 * verbose, callbacks and everything else are the original's own properties, on the original's prototype.
 */
import { ToolMessage } from 'langchain';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { parseCallbackConfigArg } from '@langchain/core/callbacks/manager';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { copyToolWith, refusalText, type GuardSession, type ToolResultOf } from '../../src/index.js';

/**
 * The JSON Schema of what the model writes, which is what the guard checks (the tool parses it after):
 * the schema's input side where the library gives one (Standard JSON Schema, as zod 4 does: a field with
 * a default is optional there), else LangChain's conversion (which marks such a field required).
 */
function modelInputSchemaOf(schema: unknown): Record<string, unknown> {
  const input = (schema as { '~standard'?: { jsonSchema?: { input?: unknown } } } | null)?.['~standard']?.jsonSchema?.input;
  if (typeof input === 'function') {
    try {
      return (input as (options: object) => Record<string, unknown>)({ target: 'draft-2020-12', libraryOptions: { unrepresentable: 'any' } });
    } catch {
      // A library that cannot describe its input: LangChain's conversion below.
    }
  }
  return toJsonSchema(schema as never) as Record<string, unknown>;
}

/** A LangChain tool as a tool definition: its name, description and JSON schema. */
export function definitionOf(name: string, tool: object) {
  const schema = 'schema' in tool && tool.schema ? modelInputSchemaOf(tool.schema) : { type: 'object' };
  return { name, ...('description' in tool && typeof tool.description === 'string' ? { description: tool.description } : {}), inputSchema: schema };
}

interface ToolCallLike {
  type: 'tool_call';
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

function isToolCall(input: unknown): input is ToolCallLike {
  return input !== null && typeof input === 'object' && (input as { type?: unknown }).type === 'tool_call';
}

/** What is recorded for what the tool returned: a ToolMessage's content (what the model reads), else the value. */
export const toolResultOf: ToolResultOf<unknown> = (value) => (ToolMessage.isInstance(value) ? { result: value.content, ...(value.status === 'error' ? { isError: true } : {}) } : { result: value });

let unnamedCalls = 0;

/**
 * The tool with `invoke` (and the deprecated `call`) run through the session's tool-call protocol with
 * the arguments the model wrote: a refused call never runs, and answers as the tool would (a ToolMessage
 * with the same tool_call_id and status "error" for a ToolCall input, the refusal text otherwise). A tool
 * that throws is recorded, then rethrown; a guard that throws refuses with GUARD_ERROR (fail closed).
 * `listed` resolves once the session holds the tools' definitions.
 */
export function guardTool<T extends StructuredToolInterface>(session: GuardSession, tool: T, listed: () => Promise<unknown>): T {
  const name = tool.name;
  async function invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown> {
    await listed();
    const toolCall = isToolCall(input) ? input : isToolCall(config?.toolCall) ? config.toolCall : undefined;
    const args = isToolCall(input) ? input.args : input;
    const callId = toolCall?.id ?? `${name}_${(unnamedCalls += 1)}`;
    const outcome = await session.guardToolCall(
      { callId, tool: name, arguments: args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : { input: args } },
      // The original parses and runs what the guard checked (its frozen copy), with the caller's config.
      (checked) => tool.invoke((isToolCall(input) ? { ...input, args: checked } : args !== null && typeof args === 'object' ? checked : args) as never, config as never),
      { resultOf: toolResultOf },
    );
    if (!outcome.refusal) return outcome.value;
    const text = refusalText(outcome.refusal);
    return toolCall?.id !== undefined ? new ToolMessage({ content: text, tool_call_id: toolCall.id, name, status: 'error' }) : text;
  }
  // Not enumerable: they stand in for the prototype's methods, which a spread or `Object.keys` never listed.
  return copyToolWith(tool, { invoke, call: (arg: unknown, configArg?: unknown) => invoke(arg, parseCallbackConfigArg(configArg as never) as Record<string, unknown>) }, { enumerable: false });
}
