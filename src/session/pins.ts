import type { Action, EventInput, Flag, ToolDefinitionsEvent } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import type { SessionState } from '../state/session-state.js';
import { AnomalyCode } from '../codes.js';
import { actionFor } from '../pipeline.js';

/**
 * The event that accepts held-back definitions, all or those named, as the session has them now: a shared
 * session builds it on its replica once that is current, so it accepts what another process changed too.
 */
export function acceptanceOf(state: SessionState, names: readonly string[] | undefined): EventInput<ToolDefinitionsEvent> {
  const wanted = names === undefined ? undefined : new Set(names);
  const tools = [...state.pendingDefinitions.entries()].filter(([name]) => wanted === undefined || wanted.has(name)).map(([, pending]) => pending.tool.definition);
  return { type: 'tool.definitions', tools, accepted: true };
}

/** The held-back definitions a human approved through the escalation handler: those the decision's flags name. */
export function approvedDefinitions(state: SessionState, flags: readonly Flag[]): string[] {
  const names: string[] = [];
  for (const found of flags) {
    const name = found.code === AnomalyCode.TOOL_DEFINITION_CHANGED ? found.evidence?.tool : undefined;
    if (typeof name === 'string' && state.pendingDefinitions.has(name)) names.push(name);
  }
  return names;
}

/** Approved definitions replace the pinned ones at once; a name no longer pending is left alone. */
export function acceptPending(state: SessionState, names: readonly string[]): void {
  for (const name of names) {
    const pending = state.pendingDefinitions.get(name);
    if (!pending) continue;
    state.releaseDefinition(name);
    state.defineTool(pending.tool);
  }
}

/** The policy's action for one flag, for the tool it names: a changed definition refused for its tool stays unusable. */
export function actionOfFlag(state: SessionState, policy: Policy): (found: Flag) => Action {
  return (found) => actionFor(found.code, policy, typeof found.evidence?.tool === 'string' ? state.tools.get(found.evidence.tool) : undefined, found.evidence);
}
