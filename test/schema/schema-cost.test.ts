import { describe, expect, it } from 'vitest';
import { schemaCost, SchemaCostError } from '../../src/schema/schema-cost.js';

describe('schema cost', () => {
  it('counts one evaluation per subschema applied to the same value', () => {
    expect(schemaCost({ type: 'string' }, 8, 1_000)).toBe(1);
    expect(schemaCost({ anyOf: [{ type: 'string' }, { type: 'number' }] }, 8, 1_000)).toBe(3);
  });

  it('multiplies through $ref chains and saturates just past the cap', () => {
    const defs: Record<string, unknown> = {};
    for (let index = 0; index < 30; index += 1) defs[`d${index}`] = { anyOf: [{ $ref: `#/$defs/d${index + 1}` }, { $ref: `#/$defs/d${index + 1}` }] };
    defs.d30 = { type: 'string' };
    expect(schemaCost({ $ref: '#/$defs/d0', $defs: defs }, 8, 1_000)).toBe(1_001);
  });

  it('takes one properties entry per child value, not their sum', () => {
    const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`p${index}`, { type: 'string' }])) };
    expect(schemaCost(wide, 8, 1_000)).toBe(1);
  });

  it('follows recursion through child values up to the depth, and refuses recursion in place', () => {
    const tree = { $defs: { n: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/n' } } } } }, $ref: '#/$defs/n' };
    expect(schemaCost(tree, 64, 1_000)).toBeLessThan(10);
    expect(() => schemaCost({ $defs: { x: { $ref: '#/$defs/x' } }, $ref: '#/$defs/x' }, 8, 1_000)).toThrow(SchemaCostError);
  });

  it('resolves a $ref to members of the schema only: #/constructor and #/__proto__ name nothing', () => {
    const nothing = schemaCost({ $ref: '#/nothing' }, 8, 1_000);
    for (const ref of ['#/constructor', '#/__proto__', '#/toString', '#/__proto__/constructor']) expect(schemaCost({ $ref: ref, properties: { a: { type: 'string' } } }, 8, 1_000)).toBe(schemaCost({ $ref: '#/nothing', properties: { a: { type: 'string' } } }, 8, 1_000));
    expect(nothing).toBe(schemaCost({ $ref: '#/__proto__' }, 8, 1_000));
  });

  it('finds a multiplication however deep in the value it lands, through levels that add nothing', () => {
    const leaf = { anyOf: Array.from({ length: 40 }, () => ({ anyOf: [{ type: 'string' }, { type: 'number' }] })) };
    let deep: Record<string, unknown> = leaf;
    for (let level = 0; level < 30; level += 1) deep = level % 2 === 0 ? { type: 'object', properties: { next: deep } } : { type: 'array', items: deep };
    expect(schemaCost(deep, 64, 100)).toBe(101);
    // Deeper than the value may nest: out of reach, so it costs nothing.
    expect(schemaCost(deep, 20, 100)).toBe(1);
  });
});
