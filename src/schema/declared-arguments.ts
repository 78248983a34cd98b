import type { DeclaredArguments } from '../text/canonical-args.js';

/**
 * The argument keys a tool's input schema declares, level by level, for loop detection: a key its level
 * declares nowhere (no `properties`, no `required`, in the level itself or in its `allOf` / `anyOf` /
 * `oneOf` / `if` / `then` / `else` branches) cannot change what the tool does as declared, so a value
 * under it that changes on every call (`seed: 15851`, then `seed: 7932`) is no new request.
 *
 * A level says nothing (`undefined`: nothing masked there) when its schema cannot tell junk from meaning:
 * no property declared at all (`{type: 'object'}`), or a way for other keys to mean something, namely
 * `patternProperties`, `additionalProperties` or `unevaluatedProperties` other than `false` (an explicit
 * `true` too: a pass-through schema hands extra keys on), `dependentSchemas` / `dependencies`, or a
 * `$ref` whose target is not read here. The schema has been vetted (size, depth) before this is called.
 */
export function declaredArguments(schema: unknown): DeclaredArguments | undefined {
  return declaredAt(schema, 0);
}

/** Nesting read at most: deeper levels are left unmasked. */
const MAX_LEVELS = 16;

const OPEN_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef', 'dependentSchemas', 'dependencies', 'patternProperties'] as const;
const BRANCH_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const BRANCHES = ['if', 'then', 'else'] as const;

function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function declaredAt(schema: unknown, level: number): DeclaredArguments | undefined {
  if (level > MAX_LEVELS || !isSchemaObject(schema)) return undefined;
  const properties = new Map<string, unknown[]>();
  const found = { required: [] as string[], fromProperties: false };
  const keys = collectLevel(schema, properties, found, level) && found.fromProperties ? keysOf(properties, found.required, level) : undefined;
  const items = isSchemaObject(schema.items) ? declaredAt(schema.items, level + 1) : undefined;
  return keys === undefined && items === undefined ? undefined : { keys, items };
}

/**
 * Gathers the property schemas one level declares, its branches' included; false when the level is
 * open (other keys may mean something), and then nothing there is masked.
 */
function collectLevel(schema: unknown, properties: Map<string, unknown[]>, found: { required: string[]; fromProperties: boolean }, level: number): boolean {
  // `false` admits nothing and declares nothing; `true` (or anything else) admits every key.
  if (schema === false) return true;
  if (!isSchemaObject(schema) || level > MAX_LEVELS) return false;
  for (const keyword of OPEN_KEYWORDS) if (schema[keyword] !== undefined && !(keyword === 'patternProperties' && isEmptyObject(schema[keyword]))) return false;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return false;
  if (schema.unevaluatedProperties !== undefined && schema.unevaluatedProperties !== false) return false;
  if (isSchemaObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      found.fromProperties = true;
      const declared = properties.get(name);
      if (declared === undefined) properties.set(name, [property]);
      else declared.push(property);
    }
  }
  if (Array.isArray(schema.required)) for (const name of schema.required) if (typeof name === 'string') found.required.push(name);
  for (const list of BRANCH_LISTS) {
    const branches = schema[list];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) if (!collectLevel(branch, properties, found, level + 1)) return false;
  }
  for (const keyword of BRANCHES) if (schema[keyword] !== undefined && !collectLevel(schema[keyword], properties, found, level + 1)) return false;
  return true;
}

function isEmptyObject(value: unknown): boolean {
  return isSchemaObject(value) && Object.keys(value).length === 0;
}

function keysOf(properties: Map<string, unknown[]>, required: readonly string[], level: number): Map<string, DeclaredArguments | undefined> {
  const keys = new Map<string, DeclaredArguments | undefined>();
  // A key declared by more than one schema (a base and an `allOf` branch) is read no deeper: its value is not masked inside.
  for (const [name, schemas] of properties) keys.set(name, schemas.length === 1 ? declaredAt(schemas[0], level + 1) : undefined);
  for (const name of required) if (!keys.has(name)) keys.set(name, undefined);
  return keys;
}
