import { it } from 'vitest';
import { compileToolSchema } from '../src/schema/compile.js';
import { DEFAULT_POLICY } from '../src/policy/policy.js';
it('x', () => {
  const v = compileToolSchema({ type: 'object', properties: { q: { type: 'string', pattern: '^(a+)+$' } } }, DEFAULT_POLICY.limits);
  console.log(v({ q: 'aaaa!' }), v({ q: 'a'.repeat(40000) + '!' }));
});
