import { describe, expect, it } from 'vitest';
import { membersOf, ownerKeyTest, ownRecordMembers, recordAt } from '../../src/text/record-members.js';

const owners = ownerKeyTest((key) => key === 'customerid');

describe('record members', () => {
  it('reads the ids under id-named keys of a record and its nested records, leaving the owners out', () => {
    const record = { customer_id: 'cust_1', payment_methods: [{ payment_method_id: 'PM_1', last4: '4242' }], address: { address_id: 'addr_9' }, customer: { id: 'cust_2' }, note: 'ord_5' };
    expect([...membersOf(record, owners)].sort()).toEqual(['addr_9', 'pm_1']);
  });

  it('stops at its bound on a record built to be long', () => {
    const record = { items: Array.from({ length: 100_000 }, (_, index) => ({ item_id: `it_${index}` })) };
    expect(membersOf(record, owners).size).toBeLessThanOrEqual(256);
  });

  it('finds the record holding a value, through JSON text', () => {
    const root = { content: [{ type: 'text', text: JSON.stringify([{ a_id: 'x_1', customer_id: 'c' }]) }] };
    expect(recordAt(root, '/content/0/text/0/customer_id')).toEqual({ a_id: 'x_1', customer_id: 'c' });
    expect(recordAt(root, '/content/9/text/0/customer_id')).toBeUndefined();
  });

  it('reads members only of records whose owner is the session\'s, and at most 64 of them', () => {
    const rows = [{ pm_id: 'pm_1', customer_id: 'c_1' }, { pm_id: 'pm_2', customer_id: 'c_2' }];
    const keyed = rows.map((row, index) => ({ key: 'customerid', value: row.customer_id, path: `/${index}/customer_id` }));
    expect([...ownRecordMembers(rows, keyed, () => new Set(['c_1']), owners)]).toEqual(['pm_1']);
    const many = Array.from({ length: 200 }, (_, index) => ({ pm_id: `pm_${index}`, customer_id: 'c_1' }));
    const manyKeyed = many.map((row, index) => ({ key: 'customerid', value: row.customer_id, path: `/${index}/customer_id` }));
    expect(ownRecordMembers(many, manyKeyed, () => new Set(['c_1']), owners).size).toBe(64);
  });
});

describe('record members: JSON text read once', () => {
  it('parses one JSON text once however many records are read from it', () => {
    const rows = Array.from({ length: 50 }, (_, index) => ({ pm_id: `pm_${index}`, customer_id: 'c_1' }));
    const root = { content: [{ type: 'text', text: JSON.stringify(rows) }] };
    const keyed = rows.map((_, index) => ({ key: 'customerid', value: 'c_1', path: `/content/0/text/${index}/customer_id` }));
    const parsed = new Map<string, unknown>();
    expect(ownRecordMembers(root, keyed, () => new Set(['c_1']), owners, parsed).size).toBe(50);
    expect(parsed.size).toBe(1);
  });
});
