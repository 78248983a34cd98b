import { describe, expect, it } from 'vitest';
import { codes, orderSession, ORDER_TOOLS } from '../helpers/guard.js';

describe('tool definition drift', () => {
  it('warns when a pinned definition changes, and validates calls against the newest one', async () => {
    const { session } = await orderSession();
    const renamed = { ...ORDER_TOOLS[0]!, input_schema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'], additionalProperties: false } };
    const decision = await session.defineTools([renamed]);
    expect(codes(decision)).toEqual(['TOOL_DEFINITION_CHANGED']);
    expect(decision.action).toBe('warn');
    expect(decision.flags[0]!.evidence).toMatchObject({ tool: 'get_order', changed: ['input_schema'] });
    const old = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    expect(codes(old)).toEqual(['TOOL_ARG_MISMATCH']);
  });

  it('does not skip the other checks after a change', async () => {
    const { session } = await orderSession();
    await session.defineTools([{ ...ORDER_TOOLS[0]!, description: 'Fetch one order (v2).' }]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('does not flag the same definitions sent again in another key order, nor new tools', async () => {
    const { session } = await orderSession();
    const reordered = ORDER_TOOLS.map((tool) => Object.fromEntries(Object.entries(tool).reverse()) as typeof tool);
    expect((await session.defineTools(reordered)).flags).toEqual([]);
    expect((await session.defineTools([{ name: 'brand_new', input_schema: { type: 'object' } }])).flags).toEqual([]);
  });
});
