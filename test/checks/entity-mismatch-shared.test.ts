/**
 * A member shared by two records (one payment method on two customers, one flight on two reservations) names
 * both owners. The session's owner among them makes the other a co-owner: no mismatch. A member only another
 * record holds is still another customer's data.
 */
import { describe, expect, it } from 'vitest';
import { createGuard, type ToolDefinition } from '../../src/index.js';
import { codes } from '../helpers/guard.js';

const string = { type: 'string' };
const TOOLS: ToolDefinition[] = [
  { name: 'get_payment_method', input_schema: { type: 'object', properties: { payment_method_id: string, customer_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_customer', input_schema: { type: 'object', properties: { customer_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_flight', input_schema: { type: 'object', properties: { flight_id: string } }, annotations: { readOnlyHint: true } },
  { name: 'get_reservation', input_schema: { type: 'object', properties: { reservation_id: string } }, annotations: { readOnlyHint: true } },
];

async function session(entities: Record<string, string>, userMessage: string) {
  const started = await createGuard({ tools: TOOLS }).startSession({ entities });
  await started.message('user', userMessage);
  let next = 0;
  return async (tool: string, args: Record<string, unknown>, result: unknown) => {
    const callId = `c${(next += 1)}`;
    await started.beforeToolCall({ callId, tool, arguments: args });
    return started.afterToolCall({ callId, tool, result });
  };
}

describe('entity mismatch and members two records share', () => {
  it('passes one payment method listed under the session\'s customer and another, in one result', async () => {
    const call = await session({ customer_id: 'cust_789' }, 'I am cust_789; pay with pm_1001.');
    const shared = [{ payment_method_id: 'pm_1001', customer_id: 'cust_789' }, { payment_method_id: 'pm_1001', customer_id: 'cust_222' }];
    expect((await call('get_payment_method', { payment_method_id: 'pm_1001' }, shared)).flags).toEqual([]);
    // Under an envelope, the owner passed beside the member: the same.
    expect((await call('get_payment_method', { payment_method_id: 'pm_1001', customer_id: 'cust_789' }, { data: [...shared].reverse() })).flags).toEqual([]);
  });

  it('passes a result naming the other owner of a member an earlier result listed under the session\'s customer', async () => {
    const call = await session({ customer_id: 'cust_789' }, 'I am cust_789; pay with my card.');
    await call('get_customer', { customer_id: 'cust_789' }, { customer_id: 'cust_789', payment_methods: [{ payment_method_id: 'pm_1001', kind: 'card' }] });
    expect((await call('get_payment_method', { payment_method_id: 'pm_1001' }, { payment_method_id: 'pm_1001', customer_id: 'cust_222', last4: '4242' })).flags).toEqual([]);
  });

  it('passes a flight both of the session\'s reservation and another listed', async () => {
    const call = await session({ reservation_id: 'ZFA04Y' }, 'My reservation is ZFA04Y, flight fl_1001.');
    const result = { content: [{ type: 'text', text: JSON.stringify([{ flight_id: 'fl_1001', reservation_id: 'ZFA04Y', seat: '12A' }, { flight_id: 'fl_1001', reservation_id: 'MZDDSW', seat: '14C' }]) }] };
    expect((await call('get_flight', { flight_id: 'fl_1001' }, result)).flags).toEqual([]);
  });

  it('still withholds a member only another customer holds, and the other records of a shared result', async () => {
    const call = await session({ customer_id: 'cust_789' }, 'I am cust_789; pay with pm_1001 or pm_9009.');
    await call('get_customer', { customer_id: 'cust_789' }, { customer_id: 'cust_789', payment_methods: [{ payment_method_id: 'pm_1001' }] });
    // pm_9009 is listed under nobody but cust_222.
    const other = await call('get_payment_method', { payment_method_id: 'pm_9009' }, { payment_method_id: 'pm_9009', customer_id: 'cust_222' });
    expect(codes(other)).toEqual(['ENTITY_MISMATCH']);
    // pm_1001 is shared, but the result also carries pm_2002, cust_222's alone.
    const mixed = await call('get_payment_method', { payment_method_id: 'pm_1001', customer_id: 'cust_789' }, {
      data: [{ payment_method_id: 'pm_1001', customer_id: 'cust_222' }, { payment_method_id: 'pm_2002', customer_id: 'cust_222' }],
    });
    expect(codes(mixed)).toEqual(['ENTITY_MISMATCH']);
    expect(mixed.flags[0]!.evidence).toMatchObject({ path: '/data/1/customer_id', found: 'cust_222' });
  });

  it('does not read an owner listed under the session\'s record as a shared member: looking that customer up is a mismatch', async () => {
    const call = await session({ customer_id: 'cust_789' }, 'I am cust_789.');
    await call('get_customer', { customer_id: 'cust_789' }, { customer_id: 'cust_789', household: [{ customer_id: 'cust_222' }], payment_methods: [{ payment_method_id: 'pm_1001' }] });
    expect(codes(await call('get_customer', { customer_id: 'cust_222' }, { customer_id: 'cust_222', name: 'Someone else' }))).toEqual(['ENTITY_MISMATCH']);
    // Nor a member the call did not ask for: a record of cust_222 that happens to list pm_1001, fetched by its own id.
    expect(codes(await call('get_customer', { customer_id: 'cust_222' }, { customer_id: 'cust_222', payment_methods: [{ payment_method_id: 'pm_1001' }] }))).toEqual(['ENTITY_MISMATCH']);
  });
});
