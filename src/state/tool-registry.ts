import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import { canonicalJson } from '../text/canonical-json.js';
import { compileToolSchema, type ArgumentValidator } from '../schema/compile.js';
import { isIdName } from '../text/id-names.js';
import { classifyTool, type ToolKind } from '../tool-kind.js';
import { definitionTexts } from '../text/definition-texts.js';
import { forEachToken } from '../text/tokens.js';
import { forEachDestinationForm } from '../text/joined-forms.js';
import { setDataProperty } from '../text/data-property.js';
import { takeOldest } from '../text/oldest-first.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  /** Hash of the canonical name, description, schemas and annotations: the pin. */
  hash: string;
  validate?: ArgumentValidator;
  /** Why the input schema could not be used, when it could not. */
  schemaError?: string;
  destructive: boolean;
  readOnly: boolean;
  /** What the tool does (lookup, create, destructive, other), from the policy, its annotations or its name. */
  kind: ToolKind;
  /** Where `kind` came from. */
  kindSource: 'policy' | 'annotations' | 'name';
  /** Returns third-party content: ids its results introduce are untrusted. */
  externalContent: boolean;
  /** Tokens of the strings the definition offers (descriptions, enum, const, default, examples): trusted context. */
  definitionTokens: Set<string>;
  /** Id shapes the input schema declares: a `pattern` or `format: uuid` on an id-named property. */
  idPatterns: Array<{ pattern?: string; uuid?: true; origin: string }>;
  /** Entity kinds its id-named properties name (`order` for `order_id`). */
  idKinds: string[];
}

/**
 * A schema with its order-only differences removed: `required` (and a `type` list) sorted, so a
 * server listing the same names in another order is not a change. Key order never counts (canonical JSON).
 */
export function pinnedForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pinnedForm);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const sortable = (key === 'required' || key === 'type') && Array.isArray(child) && child.every((item) => typeof item === 'string');
    setDataProperty(out, key, sortable ? [...(child as string[])].sort() : pinnedForm(child));
  }
  return out;
}

/**
 * Why a definition is held back: it changed, it was added after the first list, its name is confusable
 * with a pinned one, or its text carries poisoning aimed at the agent (`injection`).
 */
export type DefinitionChange = 'changed' | 'added' | 'confusable' | 'injection';

/**
 * Hashes by definition object: the checks of one `tool.definitions` event and its registration hash the
 * same objects (a listed definition is not changed afterwards: each event carries objects of its own).
 */
const hashes = new WeakMap<ToolDefinition, string>();

export function definitionHash(definition: ToolDefinition): string {
  let hash = hashes.get(definition);
  if (hash === undefined) {
    hash = cachedHashOf(definition);
    hashes.set(definition, hash);
  }
  return hash;
}

/**
 * A definition's JSON text, worked out once per object: the key the hash and registration caches
 * below find a definition met again by. Every session of a trace, and every client of a proxy,
 * lists the same definitions as new objects; equal text is an equal value, so what was worked out
 * for it holds (a key in another order only misses). `undefined` for a value JSON cannot take (a
 * cycle, a BigInt) and for one too long to keep as a key: those are worked out every time.
 */
const texts = new WeakMap<ToolDefinition, string | null>();
const MAX_CACHED_TEXTS = 1_024;
const MAX_CACHED_TEXT_CHARS = 65_536;

function definitionText(definition: ToolDefinition): string | undefined {
  let text = texts.get(definition);
  if (text === undefined) {
    try {
      text = JSON.stringify(definition) ?? null;
    } catch {
      text = null;
    }
    if (text !== null && text.length > MAX_CACHED_TEXT_CHARS) text = null;
    texts.set(definition, text);
  }
  return text ?? undefined;
}

/** Keeps `value` under `text`, dropping the oldest entry when full. */
function remember<V>(cache: Map<string, V>, text: string, value: V): void {
  if (cache.size >= MAX_CACHED_TEXTS) takeOldest(cache);
  cache.set(text, value);
}

/** Hashes by definition text: the pinned canonical form costs ~12 µs even for a small definition, its text ~1. */
const hashesByText = new Map<string, string>();

function cachedHashOf(definition: ToolDefinition): string {
  const text = definitionText(definition);
  if (text === undefined) return hashOf(definition);
  let hash = hashesByText.get(text);
  if (hash === undefined) {
    hash = hashOf(definition);
    remember(hashesByText, text, hash);
  }
  return hash;
}

function hashOf(definition: ToolDefinition): string {
  const pinned = {
    name: definition.name,
    description: definition.description ?? null,
    input_schema: pinnedForm(definition.input_schema ?? null),
    output_schema: pinnedForm(definition.output_schema ?? null),
    annotations: definition.annotations ?? null,
  };
  return createHash('sha256').update(canonicalJson(pinned)).digest('hex').slice(0, 32);
}

/** Registrations by policy and definition text: every session of a trace usually defines the same tools. */
const registered = new WeakMap<Policy, Map<string, RegisteredTool>>();

/** Compiles a definition once: its schema validator, its pin and its side-effect class. */
export function registerTool(definition: ToolDefinition, policy: Policy): RegisteredTool {
  let byText = registered.get(policy);
  if (!byText) registered.set(policy, (byText = new Map()));
  const text = definitionText(definition);
  const known = text === undefined ? undefined : byText.get(text);
  if (known) return known;
  const fresh = compileRegistration(definition, policy);
  if (text !== undefined) remember(byText, text, fresh);
  return fresh;
}

function compileRegistration(definition: ToolDefinition, policy: Policy): RegisteredTool {
  const toolPolicy = policy.tools[definition.name];
  const { readOnly, destructive, kind, source, externalContent } = classifyTool(definition, toolPolicy, { classifyByName: policy.classifyUnannotatedTools !== false });
  const registered: RegisteredTool = { definition, hash: definitionHash(definition), destructive, readOnly, kind, kindSource: source, externalContent, idPatterns: [], idKinds: [], definitionTokens: new Set() };
  if (definition.unusable !== undefined) {
    registered.schemaError = definition.unusable;
    return registered;
  }
  const addToken = (token: string) => void registered.definitionTokens.add(token);
  // A definition's `enum` of recipients vouches for them in every form a call may pass (`forEachDestinationForm`).
  for (const text of definitionTexts(definition)) {
    forEachToken(text, addToken);
    forEachDestinationForm(text, addToken);
  }
  // A definition with no schema at all constrains nothing; a schema that is not an object is broken.
  const schema = definition.input_schema === undefined ? {} : definition.input_schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    registered.schemaError = 'input_schema is not a JSON Schema object';
    return registered;
  }
  try {
    registered.validate = compileToolSchema(schema, policy.limits);
    registered.idPatterns = declaredIdPatterns(definition.name, schema, registered.idKinds);
  } catch (error) {
    registered.schemaError = (error as Error).message;
  }
  return registered;
}

/** Walks the (already vetted) schema's properties for id-named ones that declare their shape. */
function declaredIdPatterns(tool: string, schema: Record<string, unknown>, kinds: string[]): RegisteredTool['idPatterns'] {
  const found: RegisteredTool['idPatterns'] = [];
  const stack: unknown[] = [schema];
  while (stack.length > 0 && found.length < 32) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const properties = (node as Record<string, unknown>).properties;
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
        if (!isIdName(name) || property === null || typeof property !== 'object') continue;
        const kind = name.replace(/[_\-.]?(?:ids?|uuids?|guids?|IDs?|Ids?)$/, '');
        if (kind !== '' && kinds.length < 32) kinds.push(kind);
        const { pattern, format } = property as { pattern?: unknown; format?: unknown };
        if (typeof pattern === 'string') found.push({ pattern, origin: `schema:${tool}.${name}` });
        else if (format === 'uuid') found.push({ uuid: true, origin: `schema:${tool}.${name}` });
      }
    }
    for (const child of Object.values(node as Record<string, unknown>)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return found;
}
