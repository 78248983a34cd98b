import { describe, expect, it } from 'vitest';
import { IdShapeSet, shapeOfId } from '../../src/text/id-shapes.js';

describe('id shapes', () => {
  it('draws specific shapes from example ids', () => {
    expect(shapeOfId('ord_1001')?.source).toBe('ord_\\d{2,6}');
    expect(shapeOfId('credit_card_4421486')?.source).toBe('credit_card_\\d{5,9}');
    expect(shapeOfId('#W2378156')?.source).toBe('#[A-Z]{1,3}\\d{5,9}');
    expect(shapeOfId('ZFA04Y')).toMatchObject({ source: '[A-Z0-9]{6}', needsLetterAndDigit: true });
    expect(shapeOfId('3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f')?.source).toMatch(/0-9a-fA-F/);
  });

  it('finds ids written with a hyphen (ord-1001, UPS-123-45) in prose once one is learned, and not words with hyphens', () => {
    const shapes = new IdShapeSet();
    for (const id of ['ord-1001', 'UPS-123-45']) shapes.learnFrom(id, 'test');
    expect(shapes.find('Your orders ord-555 and ord-98765 ship via UPS-777-12; a well-known e-mail flow, ord-x.').map((match) => match.token)).toEqual(['ord-555', 'ord-98765', 'UPS-777-12']);
  });

  it('draws none from ids too plain to find in prose', () => {
    for (const id of ['7661609223', 'john', 'ABC', 'a1', 'some words 12']) expect(shapeOfId(id), id).toBeUndefined();
  });

  it('finds ids of learned shapes in prose, and not amounts, dates, phone numbers or words', () => {
    const shapes = new IdShapeSet();
    for (const id of ['ord_1001', '#W2378156', 'ZFA04Y', 'credit_card_4421486']) shapes.learnFrom(id, 'test');
    const text =
      'Order ord_555 (total $1,234.56, placed 2024-05-20 10:30) ships with #W1234567; call 555-123-4567 or +1-800-555-0199. ' +
      'Your reservation 8JX2WO on flight HAT030 is paid with credit_card_4421499, not credit_card_7334 (too short for the learned shape). Thanks, have a great day! COVID-19 rules apply. Reference ABCDEF.';
    expect(shapes.find(text).map((match) => match.token)).toEqual(['ord_555', '#W1234567', '8JX2WO', 'HAT030', 'credit_card_4421499']);
  });

  it('finds digit-free ids of a declared pattern or a UUID shape in text with no digit, where shapes with a digit run find nothing', () => {
    const shapes = new IdShapeSet();
    shapes.learnFrom('ord_1001', 'test');
    shapes.learnFrom('ZFA04Y', 'test');
    shapes.addUuid('test');
    expect(shapes.addPattern('^TKT-[A-Z]{4}$', 'schema')).toBe(true);
    expect(shapes.find('Ticket TKT-ABCD and record deadbeef-dead-beef-dead-beefdeadbeef, for order ord_x').map((match) => match.token)).toEqual(['TKT-ABCD', 'deadbeef-dead-beef-dead-beefdeadbeef']);
    // Full-width digits are digits once folded: the gate reads the folded text.
    expect(shapes.find('注文 ｏｒｄ＿１００２ の件').map((match) => match.token)).toEqual(['ord_1002']);
  });

  it('keeps a declared pattern only when it is specific', () => {
    const shapes = new IdShapeSet();
    expect(shapes.addPattern('^ord_[0-9]+$', 'schema')).toBe(true);
    expect(shapes.addPattern('^[0-9]+$', 'schema')).toBe(false);
    expect(shapes.addPattern('^[a-z]+$', 'schema')).toBe(false);
    expect(shapes.addPattern('^.*$', 'schema')).toBe(false);
  });

  it('keeps what each session learns to itself when sessions share their guard\'s shapes', () => {
    const base = new IdShapeSet();
    base.addKind('customer');
    base.addKind('order');
    base.addPattern('^inv_[0-9]+$', 'schema');
    const first = base.fork();
    const second = base.fork();
    // The first learns an id convention (cust_789 abbreviates "customer"), so it expects ord_555 as well.
    first.learnFrom('cust_789', 'customer_id');
    second.learnFrom('ZFA04Y', 'call:get_booking');
    const text = 'Customer cust_123 asked about ord_555, invoice inv_77 and booking QXR12B.';
    expect(first.find(text).map((match) => match.token)).toEqual(['cust_123', 'ord_555', 'inv_77']);
    expect(second.find(text).map((match) => match.token)).toEqual(['inv_77', 'QXR12B']);
    expect(base.find(text).map((match) => match.token)).toEqual(['inv_77']);
    // The origin of a convention's shape names the id it was learned from.
    expect(first.find(text).find((match) => match.token === 'ord_555')?.shape.origin).toBe('convention:customer_id:cust_789->order');
    expect(first.size).toBeGreaterThan(base.size);
    expect(second.size).toBe(base.size + 1);
  });

  it('finds every shape a session learns past the few it lists beside the shared ones', () => {
    const session = new IdShapeSet().fork();
    const ids = ['ord_1001', 'credit_card_4421486', '#W2378156', 'ZFA04Y', 'inv-20-77', 'pay_ab_123', 'sku_9_9', 'tkt_5521', 'bk_7712', 'ref_001_002', 'loc_55_aa'];
    for (const id of ids) session.learnFrom(id, 'test');
    const learned = session.size;
    expect(learned).toBeGreaterThan(8);
    // Learning one again adds nothing; each learned shape is found.
    for (const id of ids) expect(session.learnFrom(id, 'test')).toBe(false);
    expect(session.size).toBe(learned);
    // The last three were learned after the first eight: found all the same.
    expect(session.find('see tkt_1234, bk_1000 and ref_002_003').map((match) => match.token)).toEqual(['tkt_1234', 'bk_1000', 'ref_002_003']);
  });

  it('learns the shape of an id itself, whatever ids with the same digit runs were learned before it', () => {
    // Forms are cached by digit skeleton: cust_1001 primes the entry cust_3107 then reads.
    const ids = ['cust_1001', 'cust_3107', 'ord_9', 'ord_10', 'A1B2C3', 'Z9Y8X7', 'inv-2024-0042', 'inv-1999-0001', '#W2378156', '#W9999999', 'x1y2z3w4', 'a9b8c7d6', '12345678-aaaa-4bbb-8ccc-1234567890ab'];
    const primed = new IdShapeSet();
    for (const id of ids) primed.learnFrom(id, 'test');
    let matched = 0;
    for (const id of ids) {
      const fresh = new IdShapeSet();
      fresh.learnFrom(id, 'test');
      const found = fresh.find(`see ${id} here`);
      const expected = shapeOfId(id);
      for (const match of found) expect([match.token, match.shape.source]).toEqual([id, expected?.source]);
      matched += found.length;
    }
    expect(matched).toBeGreaterThanOrEqual(8);
  });
});
