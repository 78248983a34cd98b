import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag, ToolDefinition } from '../trace/events.js';
import { canonicalJson } from '../text/canonical-json.js';
import { definitionHash } from '../state/tool-registry.js';

const FIELDS = ['description', 'input_schema', 'output_schema', 'annotations'] as const;

function changedFields(before: ToolDefinition, after: ToolDefinition): string[] {
  return FIELDS.filter((field) => canonicalJson(before[field] ?? null) !== canonicalJson(after[field] ?? null));
}

/** A tool definition that differs from the one pinned when it was first seen in this session. */
export const toolDefinitionDrift = defineCheck('tool-definition-drift', ['tool.definitions'], (event, context) => {
  const flags: Flag[] = [];
  for (const definition of event.tools) {
    const pinned = context.session.tool(definition.name);
    if (!pinned || pinned.hash === definitionHash(definition)) continue;
    const fields = changedFields(pinned.definition, definition);
    flags.push(
      flag(AnomalyCode.TOOL_DEFINITION_CHANGED, event.step, `Definition of ${definition.name} changed inside the session (${fields.join(', ') || 'name'}).`, {
        tool: definition.name,
        changed: fields,
        before: pinned.hash,
        after: definitionHash(definition),
      }),
    );
  }
  return flags;
});
