import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { canonicalJson } from '../text/canonical-json.js';
import { compileLinear, linearRegExpEngine, UnsupportedPatternError } from '../text/linear-regex.js';
import { schemaCost, SchemaCostError } from './schema-cost.js';
import { linearEnum } from './linear-enum.js';
import { takeOldestEntry } from '../text/oldest-first.js';

const addFormats = _addFormats as unknown as typeof _addFormats.default;

/** A schema violation in words the model can act on. */
export interface SchemaProblem {
  /** JSON pointer into the arguments, `/` for the root. */
  path: string;
  /** What the schema expected there. */
  expected: string;
}

export type ArgumentValidator = (value: unknown) => SchemaProblem[];

export class SchemaRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaRejectedError';
  }
}

export interface SchemaLimits {
  maxSchemaBytes: number;
  maxSchemaDepth: number;
  /** Most subschema evaluations one argument value may receive (anyOf/$ref expansion); default 256. */
  maxSchemaCost?: number;
  /** Argument nesting the cost is computed for (the argument depth limit). */
  maxDepth?: number;
}

/** Default for `limits.maxSchemaCost`. */
export const DEFAULT_MAX_SCHEMA_COST = 256;

// `$data` is never enabled: a server's schema must not choose what to compare against (ReDoS, ajv < 8.18).
// Patterns run on RE2 (linear time); `$ref`s are compiled as functions, never inlined, so nested
// references cannot blow up the generated code exponentially.
// No logger: a format ajv does not know (`phone`) is ignored, as in strict: false it must be, without a warning on stderr
// per schema (an MCP server's stderr is its client's log).
const options = {
  strict: false,
  logger: false,
  allErrors: false,
  useDefaults: false,
  coerceTypes: false,
  validateSchema: true,
  inlineRefs: false,
  code: { regExp: linearRegExpEngine },
} as const;

/**
 * `uniqueItems` in linear time: ajv compares object items pairwise (30,000 items: 450 million
 * comparisons); canonical JSON in a Set compares each item once, with JSON Schema's equality.
 */
function linearUniqueItems(instance: Ajv): void {
  instance.removeKeyword('uniqueItems');
  instance.addKeyword({
    keyword: 'uniqueItems',
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    validate: function uniqueItems(this: unknown, unique: boolean, data: unknown[]) {
      if (!unique) return true;
      const seen = new Set<string>();
      for (const [index, item] of data.entries()) {
        const key = item !== null && typeof item === 'object' ? canonicalJson(item) : `${typeof item}:${String(item)}`;
        if (seen.has(key)) {
          (uniqueItems as unknown as { errors: unknown[] }).errors = [{ keyword: 'uniqueItems', message: `has no duplicate items (item ${index} repeats an earlier one)`, params: { j: index } }];
          return false;
        }
        seen.add(key);
      }
      return true;
    },
  });
}

function makeAjv<T extends Ajv>(instance: T): T {
  addFormats(instance);
  linearUniqueItems(instance);
  linearEnum(instance);
  return instance;
}

const ajv2020 = makeAjv(new Ajv2020(options));
const ajvDraft07 = makeAjv(new Ajv(options));

interface CacheEntry {
  validator: ArgumentValidator;
  ajv: Ajv;
  compiled: Record<string, unknown>;
}

const cache = new Map<string, CacheEntry>();
const CACHE_LIMIT = 2_000;

function pickAjv(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect === '' || dialect.includes('2020-12') || dialect.includes('2019-09')) return ajv2020;
  return ajvDraft07;
}

function describe(error: ErrorObject): SchemaProblem {
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(params.missingProperty)}`, expected: 'a value (required property is missing)' };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, expected: 'no such property (not allowed by the schema)' };
    case 'enum':
      // A refusal names the first allowed values only (see linear-enum.ts): a schema may list 30,000.
      return { path, expected: `one of ${JSON.stringify(params.allowedValues)}${typeof params.more === 'number' && params.more > 0 ? ` (and ${params.more} more)` : ''}` };
    case 'const':
      return { path, expected: `exactly ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { path, expected: `type ${String(params.type)}` };
    case 'pattern':
      return { path, expected: `a string matching ${String(params.pattern)}` };
    case 'format':
      return { path, expected: `a string in format ${String(params.format)}` };
    default:
      return { path, expected: `a value that ${error.message ?? `satisfies ${error.keyword}`}` };
  }
}

/**
 * A validator that generates its code on first use. ajv's code generation costs ~1 ms a schema: a
 * server listing 5,000 tools held `createGuard` for seconds, for tools most sessions never call.
 * The schema was vetted and checked against its meta-schema before this is made, so what is left
 * to fail here is rare (a `$ref` to nothing); it throws, and the call fails closed as for any
 * unusable schema.
 */
function lazyValidator(ajv: Ajv, schema: Record<string, unknown>): ArgumentValidator {
  let validate: ValidateFunction | undefined;
  let failure: string | undefined;
  return function validateArguments(value) {
    if (validate === undefined) {
      if (failure !== undefined) throw new SchemaRejectedError(failure);
      try {
        validate = ajv.compile(schema);
      } catch (error) {
        failure = `schema does not compile: ${(error as Error).message}`;
        throw new SchemaRejectedError(failure);
      }
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describe);
  };
}

function vetPattern(pattern: string, where: string): void {
  try {
    compileLinear(pattern);
  } catch (error) {
    if (error instanceof UnsupportedPatternError) throw new SchemaRejectedError(`${where} ${error.message}`);
    throw error;
  }
}

/**
 * Rejects schemas that could hang or exhaust the guard before ajv sees them: oversized, too deep,
 * remote references, a pattern RE2 cannot run (backreferences, lookahead), or more subschema
 * evaluations per value than the limit allows.
 */
function vetUntrustedSchema(schema: unknown, canonical: string, limits: SchemaLimits): void {
  if (canonical.length > limits.maxSchemaBytes) {
    throw new SchemaRejectedError(`schema is ${canonical.length} bytes, over the limit of ${limits.maxSchemaBytes}`);
  }
  const stack: Array<{ node: unknown; depth: number; key: string | undefined }> = [{ node: schema, depth: 0, key: undefined }];
  while (stack.length > 0) {
    const { node, depth, key } = stack.pop()!;
    if (depth > limits.maxSchemaDepth) {
      throw new SchemaRejectedError(`schema nests deeper than ${limits.maxSchemaDepth} levels`);
    }
    if (typeof node === 'string') {
      if (key === 'pattern') vetPattern(node, 'pattern:');
      if (key === '$ref' && !node.startsWith('#')) {
        throw new SchemaRejectedError(`remote $ref ${JSON.stringify(node)} is not followed`);
      }
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push({ node: item, depth: depth + 1, key: undefined });
      continue;
    }
    for (const [childKey, child] of Object.entries(node)) {
      if (key === 'patternProperties') vetPattern(childKey, 'patternProperties key:');
      stack.push({ node: child, depth: depth + 1, key: childKey });
    }
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const cap = limits.maxSchemaCost ?? DEFAULT_MAX_SCHEMA_COST;
  try {
    const cost = schemaCost(schema as Record<string, unknown>, limits.maxDepth ?? 64, cap);
    if (cost > cap) throw new SchemaRejectedError(`schema can make one value meet more than ${cap} subschema evaluations (nested anyOf/oneOf/allOf/$ref); the limit is limits.maxSchemaCost`);
  } catch (error) {
    if (error instanceof SchemaCostError) throw new SchemaRejectedError(error.message);
    throw error;
  }
}

/** A `type` written in capitals, as Gemini's function declarations write them (`"type":"STRING"`, in canonical JSON). */
const UPPER_CASE_TYPE = /"type":(?:\[[^\]]*)?"(?:STRING|NUMBER|INTEGER|BOOLEAN|ARRAY|OBJECT|NULL)"/;
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/**
 * Gemini's schemas (OpenAPI's subset, `type: "STRING"`) name JSON Schema's types in capitals: its meta-schema would reject
 * them and every call of the tool would fail closed. Each such `type` of the private copy is written as JSON Schema spells it.
 */
function lowerCaseTypes(schema: Record<string, unknown>): void {
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      // (Under `properties`, a property may be named `type`: its value is a schema, walked like the others.)
      if (child !== null && typeof child === 'object' && !Array.isArray(child)) stack.push(child);
      else if (key === 'type') record.type = lowerCaseType(child);
      else if (Array.isArray(child)) stack.push(child);
    }
  }
}

function lowerCaseType(type: unknown): unknown {
  const lower = (name: unknown) => (typeof name === 'string' && JSON_TYPES.has(name.toLowerCase()) ? name.toLowerCase() : name);
  return Array.isArray(type) ? type.map(lower) : lower(type);
}

/**
 * Compiles a tool's input schema once, on its first use (cached by a hash of its canonical JSON, never
 * by object identity). Untrusted schemas are vetted and checked against their meta-schema here; a
 * rejected schema throws SchemaRejectedError now, one that fails to compile throws it when first used.
 */
export function compileToolSchema(schema: Record<string, unknown>, limits: SchemaLimits): ArgumentValidator {
  const canonical = canonicalJson(schema);
  // The limits are part of the key: a guard with a lower cost cap must not reuse another's verdict.
  const key = createHash('sha256').update(`${limits.maxSchemaCost ?? DEFAULT_MAX_SCHEMA_COST}:${limits.maxDepth ?? 64}:${limits.maxSchemaBytes}:${limits.maxSchemaDepth}\n`).update(canonical).digest('base64url');
  const cached = cache.get(key);
  if (cached) return cached.validator;
  vetUntrustedSchema(schema, canonical, limits);
  // Compile a private copy: ajv keeps a reference, and the caller's object may change later.
  // Its `$id` is dropped: two servers may reuse one id for different schemas.
  const compiled = JSON.parse(canonical) as Record<string, unknown>;
  delete compiled.$id;
  if (UPPER_CASE_TYPE.test(canonical)) lowerCaseTypes(compiled);
  const ajv = pickAjv(schema);
  try {
    // What compiling would say first, said now: a schema its meta-schema rejects is refused at registration.
    ajv.validateSchema(compiled, true);
  } catch (error) {
    throw new SchemaRejectedError(`schema does not compile: ${(error as Error).message}`);
  }
  const validator = lazyValidator(ajv, compiled);
  if (cache.size >= CACHE_LIMIT) {
    const [, oldest] = takeOldestEntry(cache)!;
    oldest.ajv.removeSchema(oldest.compiled);
  }
  cache.set(key, { validator, ajv, compiled });
  return validator;
}

/** For schemas this package ships: all errors at once, as `path: message` lines. */
export function compileTrustedSchema(schema: Record<string, unknown>): (value: unknown) => string[] {
  const ajv = makeAjv(new Ajv2020({ strict: false, allErrors: true }));
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => {
      const { path, expected } = describe(error);
      return `${path}: expected ${expected}`;
    });
  };
}
