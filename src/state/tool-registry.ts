import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import { canonicalJson } from '../text/canonical-json.js';
import { compileToolSchema, type ArgumentValidator } from '../schema/compile.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  /** Hash of the canonical name, description, schemas and annotations: the pin. */
  hash: string;
  validate?: ArgumentValidator;
  /** Why the input schema could not be used, when it could not. */
  schemaError?: string;
  destructive: boolean;
  readOnly: boolean;
}

export function definitionHash(definition: ToolDefinition): string {
  const pinned = {
    name: definition.name,
    description: definition.description ?? null,
    input_schema: definition.input_schema ?? null,
    output_schema: definition.output_schema ?? null,
    annotations: definition.annotations ?? null,
  };
  return createHash('sha256').update(canonicalJson(pinned)).digest('hex').slice(0, 32);
}

/** Compiles a definition once: its schema validator, its pin and its side-effect class. */
export function registerTool(definition: ToolDefinition, policy: Policy): RegisteredTool {
  const toolPolicy = policy.tools[definition.name];
  const annotations = definition.annotations ?? {};
  const readOnly = toolPolicy?.readOnly ?? annotations.readOnlyHint === true;
  const destructive = toolPolicy?.destructive ?? (annotations.destructiveHint === true && !readOnly);
  const registered: RegisteredTool = { definition, hash: definitionHash(definition), destructive, readOnly };
  const schema = definition.input_schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    registered.schemaError = 'input_schema is not a JSON Schema object';
    return registered;
  }
  try {
    registered.validate = compileToolSchema(schema, policy.limits);
  } catch (error) {
    registered.schemaError = (error as Error).message;
  }
  return registered;
}
