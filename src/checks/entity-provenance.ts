import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import type { Provenance } from '../state/ledger.js';
import { MAX_CONTENT_TOKENS } from '../text/content-scan.js';

function describeSource(provenance: Provenance): string {
  return `${provenance.source} at step ${provenance.step}`;
}

/**
 * Every entity id a call uses must have appeared before in trusted context (user, system, session
 * start, a tool result that introduced it). Only untrusted sources -> UNTRUSTED_ENTITY; none -> hallucination.
 * In `tool-results` mode (no conversation seen), read-only lookups may use new ids.
 */
export const entityProvenance = defineCheck('entity-provenance', ['tool.call'], (event, context) => {
  const flags: Flag[] = [];
  // With no conversation to check against, a read-only lookup is how an id is first established.
  const lookup = context.session.provenance === 'tool-results' && context.call().tool?.readOnly === true;
  let reported: Set<string> | undefined;
  for (const reference of context.call().references) {
    let untrustedSource: Provenance | undefined;
    let missing: string | undefined;
    for (const token of reference.tokens) {
      const { trusted, untrusted } = context.session.provenanceOf(token);
      if (trusted) continue;
      if (untrusted) untrustedSource ??= untrusted;
      else missing ??= token;
    }
    // Every id known from trusted context: nothing to say (the usual case, so nothing is built for it).
    if (missing === undefined && !untrustedSource) continue;
    const key = `${reference.path}\u0000${reference.value}`;
    reported ??= new Set();
    if (reported.has(key)) continue;
    const evidence = { tool: event.tool, argument: reference.path, id: reference.value, via: reference.via, ...(reference.kind ? { kind: reference.kind } : {}) };
    if (missing !== undefined && lookup) continue;
    // An account nobody mentioned is typed by people all the time; only one from untrusted content is flagged.
    if (reference.via === 'account' && (missing !== undefined || !untrustedSource)) continue;
    if (missing !== undefined) {
      reported.add(key);
      // Content too large to keep whole may have carried it: say so, with where and how much was dropped.
      const dropped = context.session.droppedFromContent();
      const withDrops = dropped.length > 0 ? { ...evidence, droppedFromContent: dropped.map(({ step, source, dropped: count }) => ({ step, source, dropped: count })) } : evidence;
      flags.push(flag(AnomalyCode.ENTITY_HALLUCINATION, event.step, `${event.tool} was called with ${reference.path.slice(1) || 'an id'}=${reference.value}, an id that appeared in no trusted prior context${dropped.length > 0 ? ` (kept: the first ${MAX_CONTENT_TOKENS} ids of each result; ${dropped.reduce((sum, drop) => sum + drop.dropped, 0)} dropped)` : ''}.`, withDrops));
    } else if (untrustedSource) {
      reported.add(key);
      flags.push(
        flag(AnomalyCode.UNTRUSTED_ENTITY, event.step, `${event.tool} was called with ${reference.value}, an id seen only in untrusted content (${describeSource(untrustedSource)}).`, {
          ...evidence,
          source: untrustedSource.source,
          sourceStep: untrustedSource.step,
        }),
      );
    }
  }
  return flags;
});
