import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag, ToolDefinition } from '../trace/events.js';
import { canonicalJson } from '../text/canonical-json.js';
import { definitionHash, pinnedForm, type DefinitionChange } from '../state/tool-registry.js';
import { skeleton } from '../text/id-tokens.js';

const FIELDS = ['description', 'input_schema', 'output_schema', 'annotations'] as const;

function changedFields(before: ToolDefinition, after: ToolDefinition): string[] {
  return FIELDS.filter((field) => canonicalJson(pinnedForm(before[field] ?? null)) !== canonicalJson(pinnedForm(after[field] ?? null)));
}

/**
 * A tool definition that differs from the one pinned when it was first seen in this session
 * (`change: changed`), a tool added after the first list (`added`), or a name a person could take
 * for a pinned one (`confusable`: look-alike letters, case, invisible characters). The new definition
 * does not take effect until accepted (`session.acceptDefinitions()`, or an approved escalation).
 */
export const toolDefinitionDrift = defineCheck('tool-definition-drift', ['tool.definitions'], (event, context) => {
  const flags: Flag[] = [];
  // An acceptance recorded by `acceptDefinitions()`: replayed as it happened, never flagged.
  if (event.accepted === true) return flags;
  const { session } = context;
  const skeletons = new Map<string, string>();
  for (const name of session.toolNames()) skeletons.set(skeleton(name), name);
  // Names dropped past limits.maxTools are flagged once, together (tool-limit), not each as added.
  for (const definition of context.definitions().kept) {
    const pinned = session.tool(definition.name);
    const hash = definitionHash(definition);
    if (pinned) {
      if (pinned.hash === hash || session.pendingDefinition(definition.name)?.tool.hash === hash) continue;
      const fields = changedFields(pinned.definition, definition);
      flags.push(
        flag(AnomalyCode.TOOL_DEFINITION_CHANGED, event.step, `Definition of ${definition.name} changed inside the session (${fields.join(', ') || 'name'}); calls keep the pinned definition until the change is accepted.`, {
          tool: definition.name,
          change: 'changed',
          changed: fields,
          before: pinned.hash,
          after: hash,
        }),
      );
      continue;
    }
    if (session.pendingDefinition(definition.name)?.tool.hash === hash) continue;
    const twin = skeletons.get(skeleton(definition.name));
    if (twin !== undefined && twin !== definition.name) {
      flags.push(
        flag(AnomalyCode.TOOL_DEFINITION_CHANGED, event.step, `Tool ${JSON.stringify(definition.name)} has a name confusable with ${JSON.stringify(twin)}; it cannot be used until accepted.`, {
          tool: definition.name,
          change: 'confusable',
          confusableWith: twin,
          after: hash,
        }),
      );
      continue;
    }
    skeletons.set(skeleton(definition.name), definition.name);
    if (session.toolsPinned) {
      flags.push(flag(AnomalyCode.TOOL_DEFINITION_CHANGED, event.step, `Tool ${definition.name} was added after the session's first tool list.`, { tool: definition.name, change: 'added', after: hash }));
    }
  }
  return flags;
});

const PENDING_WHAT: Record<DefinitionChange, string> = { changed: 'changed definition', added: 'added tool', confusable: 'confusably named tool', injection: 'tool whose definition carries instructions,' };

/** A call of a tool whose new definition awaits acceptance: checked against the pinned one, or refused. */
export const pendingDefinitionCall = defineCheck('pending-definition', ['tool.call'], (event, context) => {
  const pending = context.session.pendingDefinition(event.tool);
  if (!pending) return [];
  const how = pending.unusable ? 'the tool cannot be used until the change is accepted' : 'this call is checked against the pinned definition';
  return [
    flag(AnomalyCode.TOOL_DEFINITION_CHANGED, event.step, `The ${PENDING_WHAT[pending.change]} ${event.tool} (step ${pending.step}) has not been accepted: ${how}.`, {
      tool: event.tool,
      change: pending.change,
      pending: true,
      unusable: pending.unusable,
      since: pending.step,
    }),
  ];
});
