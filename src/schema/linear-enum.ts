import type { Ajv } from 'ajv';
import { canonicalJson } from '../text/canonical-json.js';

/** How many allowed values a refusal names; the rest are counted ("and 99,984 more"). */
export const ENUM_VALUES_NAMED = 16;

/** One key per JSON Schema equal value: `1` and `1.0` are one, `"1"` and `1` are two, objects by canonical JSON. */
function enumKey(value: unknown): string {
  return value !== null && typeof value === 'object' ? `json:${canonicalJson(value)}` : `${typeof value}:${String(value)}`;
}


/**
 * `enum` as one Set lookup: ajv generates a chain of `===` (and deep-equality for objects) over every
 * allowed value, so a hostile schema with 30,000 values made each call walk all of them (and each
 * refusal print them all). The Set is built once, when the schema compiles.
 */
export function linearEnum(instance: Ajv): void {
  instance.removeKeyword('enum');
  instance.addKeyword({
    keyword: 'enum',
    schemaType: 'array',
    errors: true,
    compile(values: unknown[]) {
      const allowed = new Set(values.map(enumKey));
      const params = { allowedValues: values.slice(0, ENUM_VALUES_NAMED), more: Math.max(0, values.length - ENUM_VALUES_NAMED) };
      // Without an object among the values, an object argument is refused unread (no canonical JSON of it).
      const allowsObjects = values.some((value) => value !== null && typeof value === 'object');
      return function validateEnum(data: unknown) {
        const isObject = data !== null && typeof data === 'object';
        if ((allowsObjects || !isObject) && allowed.has(enumKey(data))) return true;
        (validateEnum as unknown as { errors: unknown[] }).errors = [{ keyword: 'enum', message: 'must be equal to one of the allowed values', params }];
        return false;
      };
    },
  });
}
