import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';

/**
 * Id values that would hide from provenance: invisible or look-alike characters in any id argument
 * (the tool may see another id than the ledger did), and wildcard-like values (`*`, `%`, empty)
 * where a destructive tool expects one id.
 */
export const hiddenIds = defineCheck('hidden-ids', ['tool.call'], (event, context) => {
  const call = context.call();
  const flags: Flag[] = [];
  for (const reference of call.references) {
    if (!reference.obfuscated && !(reference.wildcard && call.tool?.destructive)) continue;
    const evidence = { tool: event.tool, argument: reference.path, id: reference.value, via: reference.via };
    if (reference.obfuscated) {
      flags.push(
        flag(AnomalyCode.ENTITY_HALLUCINATION, event.step, `${event.tool} was called with ${reference.path.slice(1) || 'an id'}=${JSON.stringify(reference.value)}, an id hidden behind ${reference.obfuscated === 'invisible' ? 'invisible' : 'look-alike'} characters.`, {
          ...evidence,
          reason: reference.obfuscated,
        }),
      );
    } else if (reference.wildcard && call.tool?.destructive) {
      flags.push(flag(AnomalyCode.ENTITY_HALLUCINATION, event.step, `${event.tool} is destructive and was called with ${reference.path.slice(1) || 'an id'}=${JSON.stringify(reference.value)}, which selects many records instead of naming one.`, { ...evidence, reason: 'wildcard' }));
    }
  }
  return flags;
});
