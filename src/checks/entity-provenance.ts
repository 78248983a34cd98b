import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';
import type { Provenance, ProvenanceLookup } from '../state/ledger.js';
import { MAX_CONTENT_TOKENS } from '../text/content-scan.js';
import { idTokens } from '../text/tokens.js';
import { groupedDigits } from '../text/grouped-numbers.js';
import { codeVariants } from '../text/code-parts.js';
import { uuidVariants } from '../text/hex-id-forms.js';
import type { CheckContext } from './check.js';
import type { EntityReference } from './prepared-call.js';

const NONE: readonly EntityReference[] = [];

/**
 * Ids inside free-text arguments (`url: "https://shop.test/orders/ord_9"`, a query, a message body):
 * tokens of an id shape the session learned from its own ids (never a word, number, date or phone
 * number: see id-shapes.ts), so only what reads as one of this session's ids counts. Tokens an
 * id-named argument of the same call already names are left to that reference.
 */
function shapeReferences(context: CheckContext): readonly EntityReference[] {
  const call = context.call();
  if (call.freeText.length === 0 || context.session.idShapeCount() === 0) return NONE;
  let named: Set<string> | undefined;
  const found: EntityReference[] = [];
  for (const { path, text } of call.freeText) {
    for (const { token, shape } of context.session.findIdShapes(text)) {
      const tokens = idTokens(token);
      if (tokens.length === 0) continue;
      if (!named) {
        named = new Set();
        for (const reference of call.references) for (const known of reference.tokens) named.add(known);
      }
      if (tokens.every((known) => named!.has(known))) continue;
      found.push({ path, value: token, tokens, via: 'shape', shape: { source: shape.source, origin: shape.origin } });
    }
  }
  return found;
}

/**
 * How a flag names the call and its id: where in its free text the id stood, or (`named`) the argument
 * that names it. Built only for a flag, not for every reference checked.
 */
function calledWith(tool: string, reference: EntityReference, named: boolean): string {
  if (reference.via === 'shape') return `${tool} was called with ${reference.value} in ${reference.path.slice(1) || 'its arguments'}`;
  return named ? `${tool} was called with ${reference.path.slice(1) || 'an id'}=${reference.value}` : `${tool} was called with ${reference.value}`;
}

/**
 * Whether an id written as a number in groups (`123-456-789`, `123 456 789`) names one whose digits came
 * together from trusted context (a user typed `123456789`): the same record.
 */
function joinedDigitsTrusted(context: CheckContext, value: string): boolean {
  const digits = groupedDigits(value.trim());
  return digits !== undefined && context.session.provenanceOf(digits).trusted !== undefined;
}

/**
 * Whether a code names one trusted context wrote in other parts or with other separators (`code-parts.ts`):
 * a user's `W-2378156` for `W2378156`, a ticket's `INC12345` for `INC-12345`, a user's `ORD 2024 000123` for
 * `ORD-2024-000123` or `ORD2024000123`: the same record, as a number in groups is (`joinedDigitsTrusted`).
 * `code` is a token or a whole value.
 */
function codeVariantTrusted(context: CheckContext, code: string): boolean {
  for (const variant of codeVariants(code)) if (context.session.provenanceOf(variant).trusted !== undefined) return true;
  return false;
}

/** Whether a UUID names one trusted context wrote with or without its dashes (`hex-id-forms.ts`): the same id. */
function uuidFormTrusted(context: CheckContext, token: string): boolean {
  for (const variant of uuidVariants(token)) if (context.session.provenanceOf(variant).trusted !== undefined) return true;
  return false;
}

/**
 * Where a destination written in several forms was seen (a phone's `15550100199` and `5550100199`): trusted
 * when the token or any form came from trusted context, else the first untrusted sighting of any. A phone
 * written with a country code is vouched for by its national number as the rule in `phone-numbers.ts`
 * (`NationalNumber`) says, and tainted by any untrusted writing of it.
 */
function provenanceOfForms(context: CheckContext, token: string, reference: EntityReference): ProvenanceLookup {
  const first = context.session.provenanceOf(token);
  if (first.trusted) return first;
  let untrusted = first.untrusted;
  let withheld = first.withheld;
  for (const form of reference.forms ?? []) {
    const seen = context.session.provenanceOf(form);
    if (seen.trusted) return seen;
    untrusted ??= seen.untrusted;
    withheld ??= seen.withheld;
  }
  const national = reference.national;
  if (national !== undefined) {
    const placed = context.session.provenanceOf(national.placed);
    const bare = context.session.provenanceOf(national.digits);
    // Trusted context that wrote the digits with a country code gave the number's country: its bare digits there are no other.
    const vouches = placed.trusted === undefined && bare.trusted !== undefined;
    if (vouches && (national.first || untrusted === undefined)) return bare;
    untrusted ??= bare.untrusted ?? placed.untrusted;
    withheld ??= bare.withheld ?? placed.withheld;
  }
  return untrusted !== undefined ? { untrusted } : withheld !== undefined ? { withheld } : {};
}

const WITHHELD = 'withheld:';

function describeSource(provenance: Provenance): string {
  if (provenance.source.startsWith(WITHHELD)) return `${provenance.source.slice(WITHHELD.length)} at step ${provenance.step}, a result the guard withheld from the model`;
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
  const tool = context.call().tool;
  const lookup = context.session.provenance === 'tool-results' && tool?.readOnly === true;
  // A read-only tool that returns third-party content (a web fetch, a search) called with an id only such content
  // gave is following a link: browsing, what the tool is for. Its answer is untrusted in turn and it changes
  // nothing, so only an id from nowhere is flagged there (an invented URL path is still a hallucination).
  const browsing = tool?.readOnly === true && tool.externalContent;
  let reported: Set<string> | undefined;
  const references = context.call().references;
  const inText = shapeReferences(context);
  for (const reference of inText.length === 0 ? references : [...references, ...inText]) {
    let untrustedSource: Provenance | undefined;
    let missing: string | undefined;
    for (const token of reference.tokens) {
      const { trusted, untrusted, withheld } = reference.forms === undefined && reference.national === undefined ? context.session.provenanceOf(token) : provenanceOfForms(context, token, reference);
      if (trusted) continue;
      if (untrusted) untrustedSource ??= untrusted;
      // An account only withheld content named (an injected "also send it to ..."): the content reached the model anyway,
      // or the plan it carried did. Any other id from there is as unknown to the model as one from nowhere.
      else if (withheld && reference.via === 'account') untrustedSource ??= withheld;
      else if (!codeVariantTrusted(context, token) && !uuidFormTrusted(context, token)) missing ??= token;
    }
    // Every id known from trusted context: nothing to say (the usual case, so nothing is built for it).
    if (missing === undefined && !untrustedSource) continue;
    if (joinedDigitsTrusted(context, reference.value) || (reference.tokens.length > 1 && codeVariantTrusted(context, reference.value))) continue;
    const key = `${reference.path}\u0000${reference.value}`;
    reported ??= new Set();
    if (reported.has(key)) continue;
    const evidence = { tool: event.tool, argument: reference.path, id: reference.value, via: reference.via, ...(reference.kind ? { kind: reference.kind } : {}), ...(reference.shape ? { shape: reference.shape.source, shapeOrigin: reference.shape.origin } : {}) };
    if (missing !== undefined && lookup) continue;
    // An account nobody mentioned is typed by people all the time; only one from untrusted content is flagged.
    if (reference.via === 'account' && (missing !== undefined || !untrustedSource)) continue;
    if (missing !== undefined) {
      reported.add(key);
      // Content too large to keep whole may have carried it: say so, with where and how much was dropped.
      const dropped = context.session.droppedFromContent();
      const withDrops = dropped.length > 0 ? { ...evidence, droppedFromContent: dropped.map(({ step, source, dropped: count }) => ({ step, source, dropped: count })) } : evidence;
      flags.push(flag(AnomalyCode.ENTITY_HALLUCINATION, event.step, `${calledWith(event.tool, reference, true)}, an id that appeared in no trusted prior context${dropped.length > 0 ? ` (kept: the first ${MAX_CONTENT_TOKENS} ids of each result or message; ${dropped.reduce((sum, drop) => sum + drop.dropped, 0)} dropped)` : ''}.`, withDrops));
    } else if (untrustedSource && !browsing) {
      reported.add(key);
      flags.push(
        flag(AnomalyCode.UNTRUSTED_ENTITY, event.step, `${calledWith(event.tool, reference, false)}, an id seen only in untrusted content (${describeSource(untrustedSource)}).`, {
          ...evidence,
          source: untrustedSource.source,
          sourceStep: untrustedSource.step,
        }),
      );
    }
  }
  return flags;
});
