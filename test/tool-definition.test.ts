import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../src/index.js';
import { codes, ORDER_TOOLS } from './helpers/guard.js';

/** An object schema nested `levels` deep through `properties.a`. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = { type: 'object' };
  let at = root;
  for (let level = 0; level < levels; level += 1) {
    const child: Record<string, unknown> = { type: 'object' };
    at.properties = { a: child };
    at = child;
  }
  return root;
}

async function callOf(tool: ToolDefinition) {
  const session = await createGuard({ tools: [...ORDER_TOOLS, tool] }).startSession();
  await session.message('user', 'Look up ord_1001.');
  return { session, decision: await session.beforeToolCall({ tool: tool.name, arguments: {} }) };
}

describe('tool definitions are read within bounds', () => {
  const cyclic: Record<string, unknown> = { type: 'object', properties: {} };
  (cyclic.properties as Record<string, unknown>).self = cyclic;
  const hostile: Array<[string, ToolDefinition, string]> = [
    ['nested 100,000 levels', { name: 'deep', input_schema: nested(100_000) }, 'nests deeper than 64 levels'],
    ['a schema that refers to itself', { name: 'cyclic', input_schema: cyclic }, 'refers to itself'],
    ['a getter that throws', { name: 'getter', input_schema: { type: 'object', get properties(): never { throw new Error('no properties today'); } } }, 'reading it threw: no properties today'],
    ['a 200,000-value enum', { name: 'enum', input_schema: { type: 'object', properties: { a: { enum: Array.from({ length: 200_000 }, (_, index) => index) } } } }, 'more than 100000 values'],
    ['a sparse array of 2 ** 32 - 1 items', { name: 'sparse', input_schema: { type: 'object', properties: { a: { enum: new Array(2 ** 32 - 1) } } } }, 'more than 100000 values'],
    ['10 MB of description', { name: 'verbose', description: 'a b '.repeat(2_500_000), input_schema: { type: 'object' } }, 'text is over 262144 characters'],
  ];

  it.each(hostile)('a definition %s neither throws nor hangs: its calls fail closed naming why, the other tools work', async (_, tool, why) => {
    const { session, decision } = await callOf(tool);
    expect(decision).toMatchObject({ action: 'block', proceed: false });
    expect(codes(decision)).toEqual(['GUARD_ERROR']);
    expect(decision.flags[0]!.message).toContain(why);
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action).toBe('allow');
    // Listed again later (as an MCP server relists), the same: a decision, not an exception.
    expect((await session.defineTools([...ORDER_TOOLS, tool])).proceed).toBe(true);
  });

  it('reads an ordinary definition as given: a sub-schema shared by two properties, objects nested 20 deep', async () => {
    const text = { type: 'string', minLength: 2 };
    const { session, decision } = await callOf({ name: 'shared', input_schema: { type: 'object', properties: { first: text, last: text } } });
    expect(decision.flags).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'shared', arguments: { first: 'Ada', last: 'L' } }))).toEqual(['TOOL_ARG_MISMATCH']);
    expect((await callOf({ name: 'twenty', input_schema: nested(20) })).decision.flags).toEqual([]);
  });

  it('refuses, when the guard is made, a tool that is not an object or has no string name', () => {
    expect(() => createGuard({ tools: [null as unknown as ToolDefinition] })).toThrow(/must be an object, got null/);
    expect(() => createGuard({ tools: [{ name: 5, input_schema: {} } as unknown as ToolDefinition] })).toThrow(/needs a string name, got number/);
  });
});
