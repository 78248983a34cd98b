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

/**
 * Bounds a definition is read within. A definition comes from whoever serves the tool: nested 100,000 levels, a
 * schema that refers to itself (in code), 10 MB of description or a getter that throws would otherwise overflow
 * the stack, hang or hold every check that reads it. Real definitions are far inside them (the schema's own
 * limits, `limits.maxSchemaBytes` and `maxSchemaDepth`, are lower still and checked when it is compiled).
 */
const MAX_DEFINITION_DEPTH = 64;
const MAX_DEFINITION_VALUES = 100_000;
/** Its strings' characters in all: scanned for poisoning in one pass, anchor-dense prose at about 5 MB/s (~50 ms here). */
const MAX_DEFINITION_TEXT = 262_144;

type Copied = { value: unknown } | { problem: string };

/**
 * A plain JSON copy of a definition's value, read once, iteratively, within the bounds: objects and arrays copied
 * (shared parts copied each time they are met, as JSON would write them), functions and `undefined` left out as
 * JSON leaves them, a BigInt written as its digits. A schema that refers to itself meets the depth bound.
 */
function boundedCopy(value: unknown): Copied {
  let values = 0;
  let text = 0;
  const root: { value?: unknown } = {};
  const stack: Array<{ from: unknown; into: Record<string, unknown> | unknown[]; key: string | number; depth: number }> = [{ from: value, into: root as Record<string, unknown>, key: 'value', depth: 0 }];
  try {
    while (stack.length > 0) {
      const { from, into, key, depth } = stack.pop()!;
      if ((values += 1) > MAX_DEFINITION_VALUES) return { problem: `it holds more than ${MAX_DEFINITION_VALUES} values` };
      let copy: unknown;
      if (typeof from === 'string') {
        if ((text += from.length) > MAX_DEFINITION_TEXT) return { problem: `its text is over ${MAX_DEFINITION_TEXT} characters` };
        copy = from;
      } else if (typeof from === 'bigint') copy = from.toString();
      else if (typeof from === 'function' || typeof from === 'symbol' || from === undefined) continue;
      else if (from === null || typeof from !== 'object') copy = from;
      else {
        if (depth >= MAX_DEFINITION_DEPTH) return { problem: `it nests deeper than ${MAX_DEFINITION_DEPTH} levels (or refers to itself)` };
        if (Array.isArray(from)) {
          // Told by its length before it is allocated: `new Array(2 ** 32 - 1)` in code is one sparse array.
          if (from.length > MAX_DEFINITION_VALUES - values) return { problem: `it holds more than ${MAX_DEFINITION_VALUES} values` };
          const array: unknown[] = new Array(from.length).fill(null);
          for (let index = from.length - 1; index >= 0; index -= 1) stack.push({ from: from[index], into: array, key: index, depth: depth + 1 });
          copy = array;
        } else {
          const object: Record<string, unknown> = {};
          const keys = Object.keys(from);
          for (let index = keys.length - 1; index >= 0; index -= 1) stack.push({ from: (from as Record<string, unknown>)[keys[index]!], into: object, key: keys[index]!, depth: depth + 1 });
          copy = object;
        }
      }
      if (Array.isArray(into)) into[key as number] = copy;
      else Object.defineProperty(into, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  } catch (error) {
    return { problem: `reading it threw: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { value: root.value };
}

/**
 * The definition as a plain JSON copy within the bounds; one outside them keeps its name and says why it is unusable
 * (`unusable`), so its calls fail closed naming it and no check reads what could not be read.
 */
function readDefinition(definition: ToolDefinition): ToolDefinition {
  const copied = boundedCopy(definition);
  if ('value' in copied && copied.value !== null && typeof copied.value === 'object' && typeof (copied.value as ToolDefinition).name === 'string') return copied.value as ToolDefinition;
  let name: unknown;
  try {
    name = definition.name;
  } catch {
    name = undefined;
  }
  if (typeof name !== 'string') throw new TypeError(`a tool definition needs a string name, got ${name === null ? 'null' : typeof name}`);
  return { name, input_schema: {}, unusable: 'problem' in copied ? `the definition cannot be read: ${copied.problem}` : 'the definition is not an object' };
}

/** Normalizes any accepted shape to the trace's `{name, description, input_schema, ...}`, copied within bounds (`readDefinition`). */
export function toToolDefinition(tool: ToolDefinitionLike): ToolDefinition {
  if (tool === null || typeof tool !== 'object') throw new TypeError(`a tool definition must be an object, got ${tool === null ? 'null' : typeof tool}`);
  return readDefinition(toTraceShape(tool));
}

function toTraceShape(tool: ToolDefinitionLike): ToolDefinition {
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
