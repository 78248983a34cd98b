import { describe, expect, it } from 'vitest';
import { codes, orderSession, ORDER_TOOLS } from '../helpers/guard.js';

describe('tool definition drift', () => {
  it('warns when a pinned definition changes, and keeps validating calls against the pinned one until accepted', async () => {
    const { session } = await orderSession();
    const renamed = { ...ORDER_TOOLS[0]!, input_schema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'], additionalProperties: false } };
    const decision = await session.defineTools([renamed]);
    expect(codes(decision)).toEqual(['TOOL_DEFINITION_CHANGED']);
    expect(decision.action).toBe('warn');
    expect(decision.flags[0]!.evidence).toMatchObject({ tool: 'get_order', change: 'changed', changed: ['input_schema'] });
    const pinned = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    expect(pinned).toMatchObject({ action: 'warn', proceed: true, flags: [{ code: 'TOOL_DEFINITION_CHANGED', evidence: { pending: true } }] });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { orderId: 'ord_1001' } }))).toEqual(['TOOL_DEFINITION_CHANGED', 'TOOL_ARG_MISMATCH']);
    expect(session.pendingDefinitions()).toEqual([{ name: 'get_order', change: 'changed', step: decision.step }]);
    await session.acceptDefinitions();
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { orderId: 'ord_1001' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } }))).toEqual(['TOOL_ARG_MISMATCH']);
  });

  it('does not skip the other checks after a change', async () => {
    const { session } = await orderSession();
    await session.defineTools([{ ...ORDER_TOOLS[0]!, description: 'Fetch one order (v2).' }]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } }))).toEqual(['TOOL_DEFINITION_CHANGED', 'ENTITY_HALLUCINATION']);
  });

  it('does not flag the same definitions sent again in another key or required order; flags a tool added later', async () => {
    const { session } = await orderSession();
    const reordered = ORDER_TOOLS.map((tool) => {
      const schema = tool.input_schema as { required?: string[] };
      const input_schema = Object.fromEntries(Object.entries({ ...schema, ...(schema.required ? { required: [...schema.required].reverse() } : {}) }).reverse());
      return Object.fromEntries(Object.entries({ ...tool, input_schema }).reverse()) as unknown as typeof tool;
    });
    expect((await session.defineTools(reordered)).flags).toEqual([]);
    const added = await session.defineTools([{ name: 'brand_new', input_schema: { type: 'object' } }]);
    expect(added.flags).toMatchObject([{ code: 'TOOL_DEFINITION_CHANGED', evidence: { tool: 'brand_new', change: 'added' } }]);
    expect(added.action).toBe('warn');
    expect(codes(await session.beforeToolCall({ tool: 'brand_new', arguments: {} }))).toEqual([]);
  });
});
