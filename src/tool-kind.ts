import type { ToolDefinition } from './trace/events.js';

/**
 * What a tool does, for the checks that depend on it: a `lookup` reads, a `create` makes a record
 * (the ids it introduces are its own), a `destructive` tool changes or sends something that cannot be
 * taken back, `other` is none of these as far as anyone can tell.
 */
export type ToolKind = 'lookup' | 'create' | 'destructive' | 'other';

export interface ToolClassification {
  kind: ToolKind;
  readOnly: boolean;
  destructive: boolean;
  /** The tool returns third-party content (web pages, email, files others wrote): the ids it introduces are untrusted. */
  externalContent: boolean;
  /** Where the classification came from: the policy, the MCP annotations, or the tool's name and schema. */
  source: 'policy' | 'annotations' | 'name';
}

/** Verbs a read-only tool's name starts with (`get_order`, `listFiles`, `search-nodes`). */
export const LOOKUP_VERBS: ReadonlySet<string> = new Set([
  'get', 'list', 'read', 'search', 'find', 'query', 'describe', 'fetch', 'lookup', 'show', 'view', 'open', 'retrieve', 'browse', 'count', 'check', 'inspect', 'peek', 'load', 'download', 'export', 'summarize', 'preview', 'explain', 'validate', 'verify', 'calculate', 'compute', 'estimate', 'resolve', 'locate', 'scan', 'status', 'info', 'stat', 'head', 'tail', 'whoami',
]);

/** Verbs of tools that make a new record (or make it when it is not there: `upsert_contact`, `save_note`, `put_object`). */
export const CREATE_VERBS: ReadonlySet<string> = new Set(['create', 'add', 'new', 'insert', 'register', 'make', 'generate', 'start', 'request', 'open_new', 'book', 'schedule', 'draft', 'upload', 'post', 'append', 'init', 'initialize', 'plan', 'upsert', 'save', 'store', 'put', 'remember']);

/** Verbs of tools whose effect cannot be taken back or reaches someone else. */
export const DESTRUCTIVE_VERBS: ReadonlySet<string> = new Set([
  'delete', 'remove', 'drop', 'destroy', 'purge', 'erase', 'wipe', 'truncate', 'cancel', 'refund', 'pay', 'transfer', 'send', 'forward', 'share', 'publish', 'transact', 'withdraw', 'charge', 'revoke', 'terminate', 'kill', 'reset', 'overwrite', 'replace', 'move', 'rename', 'update', 'modify', 'edit', 'set', 'change', 'write', 'grant', 'approve', 'reject', 'close', 'archive', 'merge', 'push', 'deploy', 'execute', 'run', 'invite', 'email', 'mark', 'complete', 'assign', 'unassign', 'disable', 'ban', 'block', 'exchange', 'return', 'sell', 'buy', 'order', 'submit',
]);

/** Words of a tool's name, lower case: `getOrderById` -> get, order, by, id; `search-nodes` -> search, nodes. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    // A lookahead, not `([A-Z]+)([A-Z][a-z])`: that rescans every capital run from each capital (quadratic on a long all-caps key).
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** The kind a tool's name says, from its leading verb (a namespace prefix such as `github.` or `fs_` is skipped once). */
export function kindFromName(name: string): ToolKind {
  const words = nameWords(name.includes('.') || name.includes('/') ? name.split(/[./]/).pop()! : name);
  for (const word of words.slice(0, 2)) {
    if (LOOKUP_VERBS.has(word)) return 'lookup';
    if (DESTRUCTIVE_VERBS.has(word)) return 'destructive';
    if (CREATE_VERBS.has(word)) return 'create';
  }
  return 'other';
}

const HAS_ANY_HINT = (annotations: ToolDefinition['annotations']) =>
  annotations !== undefined && (typeof annotations.readOnlyHint === 'boolean' || typeof annotations.destructiveHint === 'boolean');

/**
 * Classifies a tool. Precedence: the policy's per-tool `readOnly` / `destructive` / `kind` /
 * `externalContent`, then MCP annotations (`readOnlyHint`, `destructiveHint`, `openWorldHint`
 * when set explicitly), then, for a tool with no such hints, its name's leading verb.
 */
/** The parts of a tool's policy (`ToolPolicy`) that classify it; declared here so policy/ and this module do not import each other. */
export interface ToolKindPolicy {
  kind?: ToolKind;
  readOnly?: boolean;
  destructive?: boolean;
  externalContent?: boolean;
}

export function classifyTool(definition: ToolDefinition, toolPolicy: ToolKindPolicy | undefined, options: { classifyByName?: boolean } = {}): ToolClassification {
  const annotations = definition.annotations;
  const byName = options.classifyByName !== false && !HAS_ANY_HINT(annotations) ? kindFromName(definition.name) : 'other';
  let kind: ToolKind;
  let source: ToolClassification['source'];
  if (toolPolicy?.kind !== undefined) {
    kind = toolPolicy.kind;
    source = 'policy';
  } else if (HAS_ANY_HINT(annotations)) {
    kind = annotations!.readOnlyHint === true ? 'lookup' : annotations!.destructiveHint === true ? 'destructive' : kindFromName(definition.name) === 'create' ? 'create' : 'other';
    source = 'annotations';
  } else {
    kind = byName;
    source = 'name';
  }
  const readOnly = toolPolicy?.readOnly ?? kind === 'lookup';
  const destructive = toolPolicy?.destructive ?? (kind === 'destructive' && !readOnly);
  if (toolPolicy?.readOnly !== undefined || toolPolicy?.destructive !== undefined) source = 'policy';
  // openWorldHint defaults to true in MCP, so only an explicit hint marks third-party content.
  const externalContent = toolPolicy?.externalContent ?? annotations?.openWorldHint === true;
  return { kind: readOnly ? 'lookup' : destructive && kind !== 'destructive' ? 'destructive' : kind, readOnly, destructive, externalContent, source };
}
