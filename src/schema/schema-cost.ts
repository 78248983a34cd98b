/**
 * How much validation work an untrusted schema can cause, computed before ajv compiles it.
 * `anyOf` of `$ref`s of `anyOf`s multiplies: ten levels of two branches make ajv evaluate 1,024
 * subschemas on one value. The cost here is the largest number of subschema evaluations that can
 * land on a single value of the arguments (at any depth), with `$ref` followed; validation work is
 * then at most that times the number of values, which the argument limits bound.
 */

/** Applicators evaluated on the same value. */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'] as const;
const IN_PLACE_MAPS = ['dependentSchemas', 'dependencies'] as const;
/** Applicators evaluated on child values: one of a named set applies to a given child. */
const CHILD_ONE = ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'] as const;
const REFS = ['$ref', '$dynamicRef', '$recursiveRef'] as const;

export class SchemaCostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCostError';
  }
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Resolves a local reference (`#`, `#/$defs/x`, `#anchor`) inside the root; remote ones were refused earlier. */
function resolver(root: Node): (ref: string) => unknown {
  const anchors = new Map<string, unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isNode(node)) {
      for (const key of ['$anchor', '$dynamicAnchor']) if (typeof node[key] === 'string') anchors.set(node[key] as string, node);
      if (typeof node.$id === 'string' && node.$id.startsWith('#')) anchors.set(node.$id.slice(1), node);
      for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return (ref) => {
    if (ref === '#' || ref === '') return root;
    if (!ref.startsWith('#/')) return anchors.get(ref.startsWith('#') ? ref.slice(1) : ref);
    let node: unknown = root;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      // Own members only: `#/constructor` or `#/__proto__` names nothing in the schema.
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
}

/**
 * The largest number of subschema evaluations one value can receive, up to `maxDepth` levels of
 * nesting, saturated just past `cap`. Throws SchemaCostError for a schema that refers to itself
 * without descending into the value (ajv would recurse forever).
 */
export function schemaCost(root: Node, maxDepth: number, cap: number): number {
  const resolve = resolver(root);
  const memo = new Map<object, Array<number | undefined>>();
  const IN_PROGRESS = -1;
  const limit = cap + 1;
  const add = (a: number, b: number) => Math.min(limit, a + b);

  function cost(schema: unknown, depth: number): number {
    if (!isNode(schema)) return depth === 0 ? 1 : 0;
    let row = memo.get(schema);
    if (!row) memo.set(schema, (row = []));
    const known = row[depth];
    if (known === IN_PROGRESS) throw new SchemaCostError('schema refers to itself without descending into the value (infinite recursion)');
    if (known !== undefined) return known;
    row[depth] = IN_PROGRESS;
    let total = depth === 0 ? 1 : 0;
    for (const key of IN_PLACE_LISTS) {
      const list = schema[key];
      if (Array.isArray(list)) for (const item of list) total = add(total, cost(item, depth));
    }
    for (const key of IN_PLACE_ONE) if (key in schema) total = add(total, cost(schema[key], depth));
    for (const key of IN_PLACE_MAPS) {
      const map = schema[key];
      if (isNode(map)) for (const value of Object.values(map)) if (isNode(value)) total = add(total, cost(value, depth));
    }
    for (const key of REFS) {
      const ref = schema[key];
      if (typeof ref === 'string') total = add(total, cost(resolve(ref), depth));
    }
    if (depth > 0 && total < limit) {
      const below = depth - 1;
      let child = 0;
      // A child value meets at most one `properties` entry (the one named like it) and one tuple slot.
      const properties = schema.properties;
      if (isNode(properties)) child = add(child, Math.max(0, ...Object.values(properties).map((value) => cost(value, below))));
      const patterns = schema.patternProperties;
      if (isNode(patterns)) for (const value of Object.values(patterns)) child = add(child, cost(value, below));
      for (const key of ['prefixItems', 'items'] as const) {
        const tuple = schema[key];
        if (Array.isArray(tuple)) child = add(child, Math.max(0, ...tuple.map((value) => cost(value, below))));
      }
      for (const key of CHILD_ONE) if (key in schema && !Array.isArray(schema[key])) child = add(child, cost(schema[key], below));
      total = add(total, child);
    }
    row[depth] = total;
    return total;
  }

  let worst = 0;
  try {
    for (let depth = 0; depth <= maxDepth && worst < limit; depth += 1) {
      const atDepth = cost(root, depth);
      // No subschema reaches a value this deep, so none reaches one deeper: an evaluation one level
      // down always comes from a schema evaluated at this level. Most schemas stop at 2-4 of 65 levels.
      if (depth > 0 && atDepth === 0) break;
      worst = Math.max(worst, atDepth);
    }
  } catch (error) {
    if (error instanceof RangeError) throw new SchemaCostError('schema references nest too deeply to analyse');
    throw error;
  }
  return worst;
}
