import type { ToolAnnotations, ToolDefinition } from './trace/events.js';

/** A tool definition in the trace's shape, MCP's shape (`inputSchema`) or OpenAI's function shape. */
export type ToolDefinitionLike =
  | ToolDefinition
  | {
      name: string;
      description?: string;
      inputSchema: Record<string, unknown>;
      outputSchema?: Record<string, unknown>;
      annotations?: ToolAnnotations;
    }
  | { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } };

/** Normalizes any accepted shape to the trace's `{name, description, input_schema, ...}`. */
export function toToolDefinition(tool: ToolDefinitionLike): ToolDefinition {
  if ('function' in tool) {
    const { name, description, parameters } = tool.function;
    return { name, ...(description !== undefined ? { description } : {}), input_schema: parameters ?? { type: 'object' } };
  }
  if ('inputSchema' in tool) {
    const { name, description, inputSchema, outputSchema, annotations } = tool;
    return {
      name,
      ...(description !== undefined ? { description } : {}),
      input_schema: inputSchema,
      ...(outputSchema !== undefined ? { output_schema: outputSchema } : {}),
      ...(annotations !== undefined ? { annotations } : {}),
    };
  }
  return tool;
}
