import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';

describe('entity mismatch', () => {
  it("withholds a result about another customer than the session's", async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    const decision = await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { order_id: 'ord_1001', customer_id: 'cust_123', status: 'shipped' } });
    expect(decision.action).toBe('block');
    expect(decision.proceed).toBe(false);
    expect(codes(decision)).toEqual(['ENTITY_MISMATCH']);
    expect(decision.flags[0]!.evidence).toMatchObject({ found: 'cust_123', expected: ['cust_789'], path: '/customer_id' });
    expect(decision.refusal?.hint).toMatch(/different entity/);
  });

  it('matches camelCase keys, nested {customer: {id}} and JSON text results', async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    const cases = [{ customerId: 'cust_1' }, { order: { customer: { id: 'cust_2' } } }, '{"customer_id": "cust_3"}'];
    for (const [index, result] of cases.entries()) {
      await session.beforeToolCall({ callId: `c${index}`, tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
      expect(codes(await session.afterToolCall({ callId: `c${index}`, tool: 'list_orders', result })), JSON.stringify(result)).toEqual(['ENTITY_MISMATCH']);
    }
  });

  it("passes results about the session's own entities, and unrelated data", async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789', order_ids: ['ord_1001', 'ord_1002'] } });
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    const own = await session.afterToolCall({
      callId: 'c1',
      tool: 'list_orders',
      result: { customer_id: 'CUST_789', orders: [{ order_id: 'ord_1001' }, { order_id: 'ord_1002' }], merchant_id: 'm_1', shipping: { carrier_id: 'ups' } },
    });
    expect(own.action).toBe('allow');
    expect(own.proceed).toBe(true);
  });

  it('does nothing when the session declared no entities', async () => {
    const { session } = await orderSession();
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    expect((await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { customer_id: 'cust_123' } })).action).toBe('allow');
  });

  it('keeps a withheld result out of the ledger', async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { customer_id: 'cust_123', related_order_id: 'ord_2222' } });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2222' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it("passes the session's own order that lists other customers it is shared with", async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    const decision = await session.afterToolCall({
      callId: 'c1',
      tool: 'get_order',
      result: { order_id: 'ord_1001', customer_id: 'cust_789', shared_with: [{ customer_id: 'cust_222', role: 'viewer' }, { customer_id: 'cust_333' }] },
    });
    expect(decision.flags).toEqual([]);
  });

  it('reads the subject inside MCP content and structuredContent envelopes', async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    const text = JSON.stringify({ order_id: 'ord_1001', customer_id: 'cust_123', shared_with: [{ customer_id: 'cust_789' }] });
    const decision = await session.afterToolCall({ callId: 'c1', tool: 'get_order', result: { content: [{ type: 'text', text }] } });
    expect(codes(decision)).toEqual(['ENTITY_MISMATCH']);
    expect(decision.flags[0]!.evidence).toMatchObject({ found: 'cust_123' });
  });

  it('flags the record the call asked for even when it sits in a list', async () => {
    const { session } = await orderSession({ entities: { customer_id: 'cust_789' } });
    await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    const decision = await session.afterToolCall({
      callId: 'c1',
      tool: 'get_order',
      result: { matches: [{ order_id: 'ord_0999', customer_id: 'cust_555' }, { order_id: 'ord_1001', customer_id: 'cust_123' }] },
    });
    expect(codes(decision)).toEqual(['ENTITY_MISMATCH']);
    expect(decision.flags[0]!.evidence).toMatchObject({ found: 'cust_123' });
  });
});
