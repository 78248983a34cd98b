import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import safeRegex from 'safe-regex2';
import { canonicalJson } from '../text/canonical-json.js';

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
}

// `$data` is never enabled: a server's schema must not choose what to compare against (ReDoS, ajv < 8.18).
const options = { strict: false, allErrors: false, useDefaults: false, coerceTypes: false, validateSchema: true } as const;

function makeAjv<T extends Ajv>(instance: T): T {
  addFormats(instance);
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
      return { path, expected: `one of ${JSON.stringify(params.allowedValues)}` };
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

function toValidator(validate: ValidateFunction): ArgumentValidator {
  return function validateArguments(value) {
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describe);
  };
}

/**
 * Rejects schemas that could hang or exhaust the guard before ajv sees them:
 * oversized, too deep, remote references, or a `pattern` with catastrophic backtracking.
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
      if (key === 'pattern' && !safeRegex(node)) {
        throw new SchemaRejectedError(`pattern ${JSON.stringify(node)} can backtrack catastrophically`);
      }
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
      if (key === 'patternProperties' && !safeRegex(childKey)) {
        throw new SchemaRejectedError(`patternProperties key ${JSON.stringify(childKey)} can backtrack catastrophically`);
      }
      stack.push({ node: child, depth: depth + 1, key: childKey });
    }
  }
}

/**
 * Compiles a tool's input schema once (cached by a hash of its canonical JSON, never by object identity).
 * Untrusted schemas are vetted first; a rejected or uncompilable schema throws SchemaRejectedError.
 */
export function compileToolSchema(schema: Record<string, unknown>, limits: SchemaLimits): ArgumentValidator {
  const canonical = canonicalJson(schema);
  const key = createHash('sha256').update(canonical).digest('base64url');
  const cached = cache.get(key);
  if (cached) return cached.validator;
  vetUntrustedSchema(schema, canonical, limits);
  // Compile a private copy: ajv keeps a reference, and the caller's object may change later.
  // Its `$id` is dropped: two servers may reuse one id for different schemas.
  const compiled = JSON.parse(canonical) as Record<string, unknown>;
  delete compiled.$id;
  const ajv = pickAjv(schema);
  let validator: ArgumentValidator;
  try {
    validator = toValidator(ajv.compile(compiled));
  } catch (error) {
    throw new SchemaRejectedError(`schema does not compile: ${(error as Error).message}`);
  }
  if (cache.size >= CACHE_LIMIT) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    oldest.ajv.removeSchema(oldest.compiled);
    cache.delete(oldestKey);
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
