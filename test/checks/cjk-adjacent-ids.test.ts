/**
 * An audit's false alarm: Chinese, Japanese and Korean users write ids against the text around them
 * (`注文番号：W2378156です`), and type them full-width on a CJK keyboard (`Ｗ２３７８１５６`); the guard
 * read the CJK letters and the id as one token and blocked the call that used the id they typed.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createGuard, type TraceEvent } from '../../src/index.js';
import { replayTrace } from '../../src/forensics/index.js';
import { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';

const TYPED: Array<[string, string]> = [
  ['注文番号：W2378156です', 'W2378156'],
  ['注文番号W2378156の配送状況を教えてください', 'W2378156'],
  ['订单号W2378156还没到', 'W2378156'],
  ['주문번호W2378156', 'W2378156'],
  ['ord_1001の件', 'ord_1001'],
  ['ご注文番号はＷ２３７８１５６です', 'W2378156'],
  ['ご注文番号は Ｗ２３７８１５６ です', 'W2378156'],
  ['ｏｒｄ＿１００１の件です', 'ord_1001'],
  ['オーダーW2378156ーキャンセル', 'W2378156'],
  ['ｶｽﾀﾏｰW2378156', 'W2378156'],
];

describe('ids written against CJK text, or full-width', () => {
  it.each(TYPED)('benign: %s vouches for %s', async (message, id) => {
    const { session } = await orderSession({ userMessage: message });
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } });
    expect(codes(decision)).toEqual([]);
    expect(decision.proceed).toBe(true);
  });

  it.each(TYPED)('must flag: %s vouches for no other id', async (message) => {
    const { session } = await orderSession({ userMessage: message });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'W9999999' } }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_1002', amount: 1 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('must flag: an id the CJK text around it does not hold whole (a near miss, a longer or shorter id)', async () => {
    const { session } = await orderSession({ userMessage: '注文番号：W2378156です' });
    for (const id of ['W2378157', 'W237815', 'W23781560', 'W2378156です-2']) {
      expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual(['ENTITY_HALLUCINATION']);
    }
  });

  it('an id a tool result wrote against CJK text vouches for a later call, and the text around it for nothing more', async () => {
    const { session } = await orderSession({ userMessage: 'cust_789です。注文を確認してください' });
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: { note: '注文W2378156を発送しました', 备注: '订单ord_2002已退款', 메모: '주문W5550001배송완료' } });
    for (const id of ['W2378156', 'ord_2002', 'W5550001']) {
      expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: id, amount: 1 } })), id).toEqual([]);
    }
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'W9999999', amount: 1 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('an id in a large JSON text result (read by the streaming lexer) written against CJK text or full-width vouches for a later call', async () => {
    const { session } = await orderSession({ userMessage: 'cust_789の注文一覧を見せて' });
    const records = Array.from({ length: 3_000 }, (_, index) => ({
      order_id: `ord_${index}`,
      note: `注文ord_${index}を発送しました。お問い合わせ番号Ｑ${String(index).padStart(6, '０')}。配達予定日は明日です。ご不明な点がございましたらお問い合わせください。`,
    }));
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    const text = JSON.stringify(records);
    expect(text.length).toBeGreaterThan(256 * 1024);
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: text });
    for (const id of ['ord_17', 'Q000017']) expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'Q999999' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('a CJK name is a token of its own: given apart from the text around it, it vouches for itself as an id value', async () => {
    const { session } = await orderSession({ userMessage: 'お名前：山田太郎。注文番号W2378156' });
    expect(codes(await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: '山田太郎' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: '佐藤花子' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('a number written in groups against CJK text vouches for its digits joined', async () => {
    const { session } = await orderSession({ userMessage: '注文番号123-456-789がまだ届きません' });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: '123456789' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: '123456780' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('the model saying an id against CJK text or full-width is read as that id: a given one passes, an invented one is flagged', async () => {
    const getOrder = { name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string', pattern: '^ord_[0-9]+$' } }, required: ['order_id'] }, annotations: { readOnlyHint: true } };
    const session = await createGuard({ tools: [getOrder] }).startSession();
    await session.message('user', 'ord_1001の配送状況は？');
    expect((await session.modelCall({ model: 'm', text: 'ご注文ord_1001は発送済みです。' })).flags).toEqual([]);
    expect(codes(await session.modelCall({ model: 'm', text: 'ご注文ord_555は発送済みです。' }))).toEqual(['ENTITY_HALLUCINATION']);
    expect(codes(await session.modelCall({ model: 'm', text: 'ご注文ｏｒｄ＿５５５は発送済みです。' }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('an invented id inside a free-text argument, against CJK text, is found by the kind\'s pattern', async () => {
    const { session } = await orderSession({ userMessage: '注文W2378156について', policy: { entities: { order: { pattern: '^W[0-9]{7}$' } } } });
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: '注文W2378156の状況' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: '注文W9999999の状況' } }))).toContain('ENTITY_HALLUCINATION');
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: '注文Ｗ９９９９９９９の状況' } }))).toContain('ENTITY_HALLUCINATION');
  });

  it('a trace recorded with CJK-adjacent ids replays to the same decisions as the live session', async () => {
    const events: TraceEvent[] = [
      { session_id: 'cjk', step: 0, type: 'session.start' },
      { session_id: 'cjk', step: 1, type: 'tool.definitions', tools: ORDER_TOOLS },
      { session_id: 'cjk', step: 2, type: 'message', role: 'user', content: '订单号W2378156还没到' },
      { session_id: 'cjk', step: 3, type: 'tool.call', call_id: 'c1', tool: 'get_order', arguments: { order_id: 'W2378156' } },
      { session_id: 'cjk', step: 4, type: 'tool.call', call_id: 'c2', tool: 'get_order', arguments: { order_id: 'W9999999' } },
    ];
    const flagged: Array<[number, string[]]> = [];
    await replayTrace(Readable.from(events.map((event) => `${JSON.stringify(event)}\n`)), {}, {
      onEvent: (event, decision) => decision.flags.length > 0 && flagged.push([event.step, codes(decision)]),
    });
    expect(flagged).toEqual([[4, ['ENTITY_HALLUCINATION']]]);
  });
});
