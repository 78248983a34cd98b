import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';

describe('output truncation', () => {
  it('flags a length-terminated model call with tool calls, and blocks those calls', async () => {
    const { session } = await orderSession();
    const model = await session.modelCall({
      model: 'm',
      finishReasons: ['length'],
      toolCalls: [{ id: 't1', name: 'refund_order', arguments: '{"order_id": "ord_1001", "amount": 1' }],
    });
    expect(codes(model)).toEqual(['OUTPUT_TRUNCATED']);
    const call = await session.beforeToolCall({ callId: 't1', tool: 'refund_order', arguments: { order_id: 'ord_1001', amount: 1 } });
    expect(call.action).toBe('block');
    expect(codes(call)).toEqual(['OUTPUT_TRUNCATED']);
    expect(call.flags[0]!.evidence).toMatchObject({ originStep: model.step });
  });

  it("knows other providers' names for it", async () => {
    const { session } = await orderSession();
    for (const reason of ['max_tokens', 'MAX_TOKENS']) {
      expect(codes(await session.modelCall({ model: 'm', finishReasons: [reason], toolCalls: [{ id: reason, name: 'search', arguments: {} }] }))).toEqual(['OUTPUT_TRUNCATED']);
    }
  });

  it('leaves complete tool calls and truncated plain text alone', async () => {
    const { session } = await orderSession();
    expect((await session.modelCall({ model: 'm', finishReasons: ['tool_calls'], toolCalls: [{ id: 't2', name: 'get_order', arguments: { order_id: 'ord_1001' } }] })).flags).toEqual([]);
    expect((await session.beforeToolCall({ callId: 't2', tool: 'get_order', arguments: { order_id: 'ord_1001' } })).action).toBe('allow');
    expect((await session.modelCall({ model: 'm', finishReasons: ['length'], text: 'A long answer that was cut' })).flags).toEqual([]);
  });

  it('keeps the truncated-call index bounded in a long session, and still blocks the newest', async () => {
    const { session } = await orderSession();
    for (let index = 0; index < 5_000; index += 1) {
      await session.modelCall({ model: 'm', finishReasons: ['length'], toolCalls: [{ id: `t${index}`, name: 'search', arguments: '{"query": "cu' }] });
    }
    // The index keeps the newest 4,096: the oldest calls are forgotten (checked as ordinary calls).
    expect((await session.beforeToolCall({ callId: 't0', tool: 'search', arguments: { query: 'cut' } })).flags.map((flag) => flag.code)).not.toContain('OUTPUT_TRUNCATED');
    expect((await session.beforeToolCall({ callId: 't4999', tool: 'search', arguments: { query: 'cut' } })).flags.map((flag) => flag.code)).toEqual(['OUTPUT_TRUNCATED']);
  });
});
