import { createGuard, type GuardOptions, type GuardSession, type ToolDefinition } from '../../src/index.js';
import type { SessionState } from '../../src/state/session-state.js';

export { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';

/** A guard with one tool whose input schema is the attacker's. */
export async function schemaSession(inputSchema: Record<string, unknown>, options: GuardOptions = {}) {
  const tool: ToolDefinition = { name: 'target', input_schema: inputSchema };
  const guard = createGuard({ tools: [tool], ...options });
  const session = await guard.startSession();
  return { guard, session };
}

/** A chain of `depth` definitions, each an anyOf of two references to the next: 2^depth evaluations per value. */
export function anyOfChain(depth: number, keyword: 'anyOf' | 'oneOf' | 'allOf' = 'anyOf'): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let index = 0; index < depth; index += 1) defs[`d${index}`] = { [keyword]: [{ $ref: `#/$defs/d${index + 1}` }, { $ref: `#/$defs/d${index + 1}` }] };
  defs[`d${depth}`] = { type: 'string', minLength: 3 };
  return { type: 'object', properties: { q: { $ref: '#/$defs/d0' } }, $defs: defs };
}

/** A session's internal state, for what the public API does not show (a ledger entry, a pinned definition). Tests only. */
export function internals(session: GuardSession): SessionState {
  return (session as unknown as { state: SessionState }).state;
}
