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

  it('keeps a declared pattern only when it is specific', () => {
    const shapes = new IdShapeSet();
    expect(shapes.addPattern('^ord_[0-9]+$', 'schema')).toBe(true);
    expect(shapes.addPattern('^[0-9]+$', 'schema')).toBe(false);
    expect(shapes.addPattern('^[a-z]+$', 'schema')).toBe(false);
    expect(shapes.addPattern('^.*$', 'schema')).toBe(false);
  });
});
