import { afterEach, describe, expect, it, vi } from 'vitest';
import Ajv from 'ajv/dist/core.js';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { codes } from '../helpers/guard.js';

const AjvCore = Ajv as unknown as { prototype: { compile: (...args: unknown[]) => unknown } };

/** Tools whose schemas differ (a distinct pattern each), so no compiled schema is shared. */
function catalogue(count: number, tag: string): ToolDefinition[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `lookup_${index}`,
    input_schema: { type: 'object', properties: { record_id: { type: 'string', pattern: `^${tag}_[0-9]{${index + 1}}$` } }, required: ['record_id'] },
  }));
}

afterEach(() => vi.restoreAllMocks());

describe('tool schemas compile on first use', () => {
  it('a guard over many tools generates no validator code until a tool is called, then one for that tool', async () => {
    const compile = vi.spyOn(AjvCore.prototype, 'compile');
    const guard = createGuard({ tools: catalogue(40, 'lazy') });
    const session = await guard.startSession();
    await session.message('user', 'Look up lazy_123.');
    expect(compile).not.toHaveBeenCalled();
    expect((await session.beforeToolCall({ tool: 'lookup_2', arguments: { record_id: 'lazy_123' } })).action).toBe('allow');
    expect(compile).toHaveBeenCalledTimes(1);
    // Validated by the schema compiled once: a wrong shape is flagged, and nothing compiles again.
    expect(codes(await session.beforeToolCall({ tool: 'lookup_2', arguments: { record_id: 'lazy_12' } }))).toContain('TOOL_ARG_MISMATCH');
    expect(codes(await session.beforeToolCall({ tool: 'lookup_2', arguments: { record_id: 123 } }))).toContain('TOOL_ARG_MISMATCH');
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('a schema its meta-schema rejects is refused when registered, naming why, and the call fails closed', async () => {
    const compile = vi.spyOn(AjvCore.prototype, 'compile');
    const broken: ToolDefinition = { name: 'broken', input_schema: { type: 'object', properties: { q: { type: 'strnig' } } } };
    const session = await createGuard({ tools: [broken, ...catalogue(2, 'meta')] }).startSession();
    expect(compile).not.toHaveBeenCalled();
    const refused = await session.beforeToolCall({ tool: 'broken', arguments: { q: 'x' } });
    expect(refused.proceed).toBe(false);
    expect(codes(refused)).toEqual(['GUARD_ERROR']);
    expect(refused.flags[0]!.message).toMatch(/schema does not compile: schema is invalid/);
    expect(compile).not.toHaveBeenCalled();
  });

  it('a schema that only fails when compiled (a $ref to nothing) fails closed at each call, and the other tools work', async () => {
    const dangling: ToolDefinition = { name: 'dangling', input_schema: { type: 'object', properties: { q: { $ref: '#/$defs/missing' } } } };
    const session = await createGuard({ tools: [dangling, ...catalogue(2, 'dangling')] }).startSession();
    await session.message('user', 'Look up dangling_1.');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await session.beforeToolCall({ tool: 'dangling', arguments: { q: 'x' } });
      expect(refused.proceed, `attempt ${attempt}`).toBe(false);
      expect(codes(refused)).toEqual(['GUARD_ERROR']);
      expect(refused.flags[0]!.message).toMatch(/input schema of dangling cannot be used.*schema does not compile.*missing/);
    }
    expect((await session.beforeToolCall({ tool: 'lookup_0', arguments: { record_id: 'dangling_1' } })).action).toBe('allow');
  });
});

describe('schemas as other dialects write them', () => {
  it("validates Gemini's capitalised types as JSON Schema's (a property named type included), and still refuses a wrong value", async () => {
    const gemini: ToolDefinition = {
      name: 'find_flights',
      input_schema: {
        type: 'OBJECT',
        properties: { origin: { type: 'STRING' }, passengers: { type: 'INTEGER' }, type: { type: 'STRING', enum: ['economy', 'business'] }, stops: { type: ['INTEGER', 'NULL'] }, legs: { type: 'ARRAY', items: { type: 'STRING' } } },
        required: ['origin'],
      },
    };
    const session = await createGuard({ tools: [gemini] }).startSession();
    await session.message('user', 'Flights from SFO please.');
    expect((await session.beforeToolCall({ tool: 'find_flights', arguments: { origin: 'SFO', passengers: 2, type: 'economy', stops: null, legs: ['SFO'] } })).flags).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'find_flights', arguments: { origin: 'SFO', passengers: 'two' } }))).toEqual(['TOOL_ARG_MISMATCH']);
    expect(codes(await session.beforeToolCall({ tool: 'find_flights', arguments: { origin: 'SFO', type: 'first' } }))).toEqual(['TOOL_ARG_MISMATCH']);
  });

  it('ignores a format it does not know without writing to stderr, and still checks the type', async () => {
    const error = vi.spyOn(console, 'error');
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    const tool: ToolDefinition = { name: 'call_phone', input_schema: { type: 'object', properties: { number: { type: 'string', format: 'phone' } } } };
    const session = await createGuard({ tools: [tool] }).startSession();
    expect((await session.beforeToolCall({ tool: 'call_phone', arguments: { number: '+1 555 0100' } })).flags).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'call_phone', arguments: { number: 5550100 } }))).toEqual(['TOOL_ARG_MISMATCH']);
    expect([...error.mock.calls, ...warn.mock.calls, ...log.mock.calls]).toEqual([]);
  });
});
