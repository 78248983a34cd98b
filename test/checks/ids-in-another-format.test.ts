/**
 * False alarms on real ids written in another format than the call's: numbers in thousands
 * ("1,234,567"), codes in spaced or otherwise separated parts ("ORD 2024 000123"), ids against Thai, Lao,
 * Khmer or Myanmar text, and words with combining marks. Each must vouch for the id it writes; near
 * misses (another digit, another part, digits of separate numbers run together) stay invented.
 */
import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';

type Session = Awaited<ReturnType<typeof orderSession>>['session'];

async function allowed(session: Session, ids: readonly string[]): Promise<void> {
  for (const id of ids) expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual([]);
}

/** The id with its last digit changed: a near miss. */
function nearMiss(id: string): string {
  const last = Number(id.at(-1));
  return `${id.slice(0, -1)}${(last + 1) % 10}`;
}

async function invented(session: Session, ids: readonly string[]): Promise<void> {
  for (const id of ids) expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: id } })), id).toEqual(['ENTITY_HALLUCINATION']);
}

describe('numbers written in thousands', () => {
  it.each([
    ['My account is 1,234,567.', '1234567', '1.234.567'],
    ['Rechnung 12.345.678 ist offen.', '12345678', '12,345,678'],
    ['Compte 1 234 567, merci.', '1234567', '1,234,567'],
    ['Compte 1\u00A0234\u00A0567, merci.', '1234567', '1 234 567'],
    ['Compte 1\u202F234\u202F567, merci.', '1234567', '1,234,567'],
    ["Konto 1'234'567 bitte.", '1234567', '1,234,567'],
    ['Loan account 12,34,567 please.', '1234567', '1,234,567'],
  ])('benign: "%s" vouches for %s, and for it written in thousands (%s)', async (message, id, written) => {
    const { session } = await orderSession({ userMessage: message });
    await allowed(session, [id, written]);
    // A near miss: another digit, a digit more or less.
    await invented(session, [nearMiss(id), `${id}0`, id.slice(1)]);
  });

  it('an id written in thousands by the model is the digits the user typed, and a near miss is not', async () => {
    const { session } = await orderSession({ userMessage: 'My account number is 1234567.' });
    await allowed(session, ['1,234,567', '1.234.567', '1 234 567', "1'234'567", '12,34,567']);
    await invented(session, ['1,234,568', '12,34', '1,234,567.89', '1,234,5670']);
  });

  it('must flag: a list, a short number, a decimal or an amount gives no joined id', async () => {
    const { session } = await orderSession({ userMessage: 'Items 1, 2, 3, 4, 5, 6 and ids 12,34; the rate is 1,5 or 3.14; I paid 12.345.678,90 and 1,234,567.89.' });
    await invented(session, ['123456', '1234', '15', '314', '1234567890', '123456789']);
  });

  it('a tool result in thousands vouches for the digits; echoing the call in thousands vouches for nothing', async () => {
    const { session } = await orderSession({ policy: { actions: { ENTITY_HALLUCINATION: 'warn' } } });
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: { note: 'Accounts: 1,234,567 (main), 98 765 432 (savings)' } });
    await allowed(session, ['1234567', '98765432']);
    await invented(session, ['1234568']);
    const asked = await session.beforeToolCall({ callId: 'c2', tool: 'get_order', arguments: { order_id: '7654321' } });
    expect(codes(asked)).toEqual(['ENTITY_HALLUCINATION']);
    await session.afterToolCall({ callId: 'c2', tool: 'get_order', result: { error: 'no order 7,654,321' } });
    await invented(session, ['7654321']);
  });
});

describe('codes in parts', () => {
  it.each(['ORD 2024 000123', 'ORD/2024/000123', 'ORD_2024_000123', 'ORD.2024.000123', 'ORD-2024-000123', 'ORD2024000123'])(
    'benign: the user\'s "%s" vouches for the code in every other writing',
    async (written) => {
      const { session } = await orderSession({ userMessage: `Hi, my order is ${written}, it never came.` });
      await allowed(session, ['ORD-2024-000123', 'ORD2024000123', 'ord_2024_000123', 'ORD.2024.000123', 'ORD 2024 000123', 'ORD/2024/000123']);
      // Another part, a digit more, another prefix, a part left out.
      await invented(session, ['ORD-2024-000124', 'ORD-2025-000123', 'ORD-2024-0001230', 'ORX-2024-000123', 'ORD-000123', 'ORD2024000124']);
    },
  );

  it('must flag: prose words and numbers from different sentences are no code parts', async () => {
    const { session } = await orderSession({ userMessage: 'Our order 2024 has 000123 items. The prefix was ORD. 2024 was a busy year, ticket 000123 is open.' });
    await invented(session, ['ORDER-2024-000123', 'ORD-2024-000123', 'ORD2024000123', 'ORD-2024', 'order2024']);
  });

  it('a trusted result\'s code in parts vouches for a later call; an untrusted one only as untrusted; an echo for nothing', async () => {
    const { session } = await orderSession({ policy: { actions: { ENTITY_HALLUCINATION: 'warn', UNTRUSTED_ENTITY: 'warn' } } });
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result: { orders: ['INV 2024 7781', 'inv_2023_5512'] } });
    await allowed(session, ['INV-2024-7781', 'INV20247781', 'INV-2023-5512', 'INV20235512']);
    await invented(session, ['INV-2024-7782']);
    // The model invents a code; the result writes it back in other parts: still invented.
    expect(codes(await session.beforeToolCall({ callId: 'c2', tool: 'get_order', arguments: { order_id: 'REQ-2024-9001' } }))).toEqual(['ENTITY_HALLUCINATION']);
    await session.afterToolCall({ callId: 'c2', tool: 'get_order', result: { error: 'REQ 2024 9001 not found' } });
    await invented(session, ['REQ20249001', 'REQ_2024_9001']);
    await session.contextAdd('retrieval', { doc: 'Archived ticket TCK 2022 4410 was closed.' });
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'TCK20224410' } }))).toEqual(['UNTRUSTED_ENTITY']);
  });

  it('keeps the letters-and-number codes as before: W-2378156 for W2378156 and back, not near misses', async () => {
    const { session } = await orderSession({ userMessage: 'Order W-2378156 is late, ticket INC12345, PO 4500012345.' });
    await allowed(session, ['W2378156', 'W_2378156', 'INC-12345', 'INC.12345', 'PO4500012345', 'PO-4500012345']);
    await invented(session, ['W2378157', 'X-2378156', 'INC-12346', 'PO-4500012346']);
  });
});

describe('ids against text written without spaces, and words with combining marks', () => {
  it.each([
    ['หมายเลขคำสั่งซื้อW2378156', 'W2378156'],
    ['คำสั่งซื้อ W2378156 ยังไม่มาถึง', 'W2378156'],
    ['ເລກທີ່ສັ່ງຊື້W2378156', 'W2378156'],
    ['លេខបញ្ជាទិញW2378156', 'W2378156'],
    ['မှာယူမှုနံပါတ်W2378156', 'W2378156'],
    ['คำสั่งซื้อord_1001ยังไม่มาถึง', 'ord_1001'],
    ['Bestellnu\u0308mmer W2378156', 'W2378156'],
    ['Nu\u0301mero de pedido: W2378156', 'W2378156'],
    ['ऑर्डर संख्या W2378156 है', 'W2378156'],
  ])('benign: "%s" vouches for %s', async (message, id) => {
    const { session } = await orderSession({ userMessage: message });
    await allowed(session, [id]);
    await invented(session, [nearMiss(id), `${id}0`]);
  });

  it('a word written with combining marks is one token, as the model writes it composed', async () => {
    const { session } = await orderSession({ userMessage: 'Please look up customer Jose\u0301 Nu\u0301n\u0303ez, reference ORD-7781.' });
    for (const name of ['José', 'Núñez', 'Jose\u0301']) {
      expect(codes(await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: name } })), name).toEqual([]);
    }
    // Part of the word is not the word.
    for (const name of ['Núñe', 'Josée']) {
      expect(codes(await session.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: name } })), name).toEqual(['ENTITY_HALLUCINATION']);
    }
  });

  it('a tool result with an id against Thai text vouches for it, as an object and as JSON text, and for nothing near it', async () => {
    const { session } = await orderSession();
    const result = { note: 'จัดส่งคำสั่งซื้อW5550001แล้ว', 'หมายเหตุ': 'คืนเงินord_2002เรียบร้อย' };
    await session.beforeToolCall({ callId: 'c1', tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
    await session.afterToolCall({ callId: 'c1', tool: 'list_orders', result });
    await session.beforeToolCall({ callId: 'c2', tool: 'list_orders', arguments: { customer_id: 'cust_789', status: 'open' } });
    await session.afterToolCall({ callId: 'c2', tool: 'list_orders', result: JSON.stringify({ note: 'ຄໍາສັ່ງW6660002ສົ່ງແລ້ວ' }) });
    await allowed(session, ['W5550001', 'ord_2002', 'W6660002']);
    await invented(session, ['W5550002', 'ord_2003', 'W6660003']);
  });

  it('finds an id of a learned shape against Thai text in a free-text argument, and checks it', async () => {
    const { session } = await orderSession({ userMessage: 'หมายเลขคำสั่งซื้อord_1001ค่ะ' });
    // The call teaches the session what its order ids look like (ord_ and digits).
    expect(codes(await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'สถานะคำสั่งซื้อord_1001' } }))).toEqual([]);
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'สถานะคำสั่งซื้อord_9999' } }))).toEqual(['ENTITY_HALLUCINATION']);
  });
});
