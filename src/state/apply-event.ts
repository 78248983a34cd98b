import type { Action, Flag, TraceEvent } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import { contentTokenCap, type ContentScan } from '../text/content-scan.js';
import type { CanonicalArguments } from '../text/canonical-args.js';
import type { RegisteredTool } from './tool-registry.js';
import type { BoundedDefinitions } from './tool-bound.js';
import { AnomalyCode, severity } from '../codes.js';
import { isTruncated } from '../trace/finish-reasons.js';
import { forEachToken } from '../text/tokens.js';
import { forEachDestinationForm, joinedFormsOf } from '../text/joined-forms.js';
import { messageTokensOf } from '../text/message-tokens.js';
import { registerTool } from './tool-registry.js';
import { checkedUsage } from './usage-numbers.js';
import { NO_FLAGS, type DefinitionChange, type SessionState } from './session-state.js';
import { modelToolCalls } from '../trace/model-tool-calls.js';
import { MAX_PARSED_TEXT, ownerKeyTest, ownRecordMembers } from '../text/record-members.js';

/** What the session applies of a tool call, as the checks prepared it (their `PreparedCall`). */
export interface CallFacts {
  readonly canonical: CanonicalArguments;
  readonly echoTokens: Set<string>;
  readonly tool: RegisteredTool | undefined;
  readonly references: ReadonlyArray<{ readonly value: string; readonly tokens: readonly string[]; readonly via: string }>;
}

/** Values computed once per event, shared by the checks and by what the session applies. */
export interface EventFacts {
  /** The event's time in ms since the epoch, when it has one. */
  readonly at: number | undefined;
  call(): CallFacts;
  content(): ContentScan;
  /** A tool list split at the session's bound: what it keeps, and the new names it drops. */
  definitions(): BoundedDefinitions;
}

/** Message roles whose content is trusted context (assistant text is the model's own, checked elsewhere). */
const TRUSTED_ROLES: ReadonlySet<string> = new Set(['user', 'system', 'developer', 'tool']);
const NON_PROCEEDING: ReadonlySet<Action> = new Set(['block', 'pause', 'kill']);

/** Session-start metadata written by this package: `{"agent-warden": {"provenance": "tool-results"}}`. */
export const METADATA_KEY = 'agent-warden';

function provenanceModeOf(metadata: Record<string, unknown> | undefined): string | undefined {
  const ours = metadata?.[METADATA_KEY];
  return ours !== null && typeof ours === 'object' ? String((ours as Record<string, unknown>).provenance ?? '') : undefined;
}

/** Provenance sources (`tool:get_order`) shared across events and sessions instead of built per event: by prefix, then name. */
const sources = new Map<string, Map<string, string>>();
let sourceCount = 0;
function sourceName(prefix: string, name: string): string {
  let byName = sources.get(prefix);
  if (byName === undefined) sources.set(prefix, (byName = new Map()));
  const known = byName.get(name);
  if (known !== undefined) return known;
  const key = `${prefix}${name}`;
  if (sourceCount < 4_096) {
    byName.set(name, key);
    sourceCount += 1;
  }
  return key;
}

/**
 * Content the model never saw (withheld, or a refused call's result) is no context, but an account only it named,
 * sent to later, is a leak or an attacker's plan (entity-provenance): its ids are kept apart under `withheld:SOURCE`.
 */
function recordWithheld(state: SessionState, content: ContentScan, step: number, source: string, echo?: ReadonlySet<string>): void {
  const provenance = { step, source: sourceName('withheld:', source), trust: 'untrusted' } as const;
  state.ledger.recordWithheld(content.tokenList, provenance, echo);
  state.ledger.recordWithheld(joinedFormsOf(content, echo), provenance, echo);
}

/**
 * What an event changes in the session, once it is decided: the state later checks read (ledger,
 * call history, budget, tools, goal). Content the model never sees (a refused call's result, a
 * withheld result) changes nothing in the ledger. `actionOf` is the policy's action for one flag
 * (per tool): a changed definition whose flag is refused leaves its tool unusable until accepted.
 */
export function applyEvent(
  state: SessionState,
  event: TraceEvent,
  context: EventFacts,
  flags: readonly Flag[],
  action: Action,
  policy: Policy,
  reservationId: string | undefined,
  actionOf: (flag: Flag) => Action = () => action,
): void {
  const proceeds = !NON_PROCEEDING.has(action);
  switch (event.type) {
    case 'session.start': {
      state.goal = event.goal;
      if (provenanceModeOf(event.metadata) === 'tool-results') state.provenance = 'tool-results';
      const unverified = flags.filter((flag) => flag.code === AnomalyCode.ENTITY_UNVERIFIED);
      state.unverified = unverified.length > 0 ? unverified : NO_FLAGS;
      const failed = new Set(state.unverified.map((flag) => String(flag.evidence?.id)));
      if (event.entities) state.declareEntities(event.entities);
      const tokens: string[] = [];
      for (const value of Object.values(event.entities ?? {})) {
        for (const id of Array.isArray(value) ? value : [value]) {
          if (failed.has(String(id))) continue;
          forEachToken(String(id), (token) => tokens.push(token));
          // A customer's phone or address in another form than a call's (`+1 (555) 010-0199`, `o'brien@x.test`).
          forEachDestinationForm(String(id), (form) => tokens.push(form));
        }
      }
      state.ledger.record(tokens, { step: event.step, source: 'session.start', trust: 'trusted' });
      break;
    }
    case 'tool.definitions': {
      // Pins hold: a changed, added-and-refused or confusably named definition waits for acceptance.
      const held = new Map<string, Flag>();
      const poisoned = new Set<string>();
      for (const found of flags) {
        if (typeof found.evidence?.tool !== 'string') continue;
        if (found.code === AnomalyCode.TOOL_DEFINITION_CHANGED) held.set(found.evidence.tool, found);
        // A definition carrying instructions, at block or above, is held back (unusable) whatever else changed.
        else if (found.code === AnomalyCode.PROMPT_INJECTION && severity(actionOf(found)) >= severity('block')) poisoned.add(found.evidence.tool);
      }
      const accepted = event.accepted === true;
      // New names past limits.maxTools are dropped (flagged TOOL_LIMIT_EXCEEDED); their calls are refused.
      const { kept, dropped } = context.definitions();
      state.dropTools(dropped, event.step, policy.limits.maxTools);
      for (const definition of kept) {
        const registered = registerTool(definition, policy);
        const finding = accepted ? undefined : held.get(definition.name);
        if (!accepted && poisoned.has(definition.name)) {
          state.holdDefinition(definition.name, { tool: registered, change: 'injection', step: event.step, unusable: true });
          continue;
        }
        if (!accepted) {
          const change = finding?.evidence?.change as DefinitionChange | undefined;
          const refused = finding !== undefined && severity(actionOf(finding)) >= severity('block');
          if (change === 'changed' || change === 'confusable' || (change === 'added' && refused)) {
            state.holdDefinition(definition.name, { tool: registered, change, step: event.step, unusable: refused || change !== 'changed' });
            continue;
          }
          // The same definition listed again (or the pinned one restored): nothing is pending any more.
          if (!finding && state.tools.get(definition.name)?.hash === registered.hash) {
            state.releaseDefinition(definition.name);
            continue;
          }
          if (!finding && state.pendingDefinitions.get(definition.name)?.tool.hash === registered.hash) continue;
        }
        state.releaseDefinition(definition.name);
        state.defineTool(registered);
        state.ledger.record(registered.definitionTokens, { step: event.step, source: sourceName('definition:', definition.name), trust: 'trusted' });
      }
      state.toolsPinned = true;
      break;
    }
    case 'message':
      if (event.role !== 'assistant' && typeof event.content === 'string') {
        // Its tokens and, as "Order 123-456-789" vouches for 123456789 too, the digits of its numbers in groups.
        const { tokens, dropped } = messageTokensOf(event, event.content, contentTokenCap(policy.limits.ledgerSize));
        // Only known roles vouch for ids; any other role (`function`, `Human`, made up) is untrusted content.
        const trusted = TRUSTED_ROLES.has(event.role as string);
        const source = trusted ? event.role : `message:${String(event.role).slice(0, 32)}`;
        state.ledger.record(tokens, { step: event.step, source, trust: trusted ? 'trusted' : 'untrusted' });
        state.ledger.recordDropped(event.step, source, dropped);
      }
      break;
    case 'llm.call': {
      const usage = checkedUsage(event);
      let charge = state.budget.charge(event.model, usage);
      // Unusable counts never charge zero: the call costs its reservation, or the policy's default reservation.
      if (usage.invalid.length > 0) {
        charge = state.budget.reservation(reservationId) ?? state.budget.charge(event.model, { inputTokens: policy.budget.defaultInputTokens, outputTokens: policy.budget.defaultOutputTokens });
      }
      if (charge.priced === false && state.budget.maxCostNano !== undefined) state.markUnpriced(event.model);
      state.budget.commit(charge, reservationId);
      state.usage.record(context.at, usage.invalid.includes('input_tokens') ? undefined : event.input_tokens, charge.tokens);
      if (event.output_tokens !== undefined && !usage.invalid.includes('output_tokens')) state.usage.recordOutput(usage.outputTokens);
      state.noteStepTokens(event.step, charge.tokens);
      for (const flag of flags) if (flag.code === AnomalyCode.BUDGET_ALERT && typeof flag.evidence?.key === 'string') state.markAlertFired(flag.evidence.key);
      // A spike under `throttle` slows the next model call more each time; a call out of the spike lifts it.
      const spike = flags.some((flag) => flag.code === AnomalyCode.BURN_RATE_SPIKE);
      state.spikeStartStep = spike ? (state.spikeStartStep ?? event.step) : undefined;
      state.throttleLevel = spike && policy.actions[AnomalyCode.BURN_RATE_SPIKE] === 'throttle' ? state.throttleLevel + 1 : 0;
      const toolCalls = modelToolCalls(event.output);
      state.rememberModelToolCalls(event.step, toolCalls, isTruncated(event.finish_reasons));
      state.lastModelText = event.output?.text;
      break;
    }
    case 'tool.call': {
      const call = context.call();
      // Call ids are not unique in real logs: a new call with an old id starts afresh.
      state.forgetRefusal(event.call_id);
      const lookupIds = state.provenance === 'tool-results' && call.tool?.readOnly ? call.references.flatMap((reference) => reference.tokens) : [];
      // What its result may echo is kept on the call record until the result comes (bounded with the history).
      // The result's slot is there from the start (no property added later, which costs a record more memory).
      state.calls.add({ step: event.step, callId: event.call_id, tool: event.tool, args: call.canonical, resultHash: undefined, pending: { echo: call.echoTokens, lookupIds }, repeat: false });
      // An id argument shows what ids look like even when this one was invented: shapes need no provenance.
      for (const reference of call.references) {
        if (reference.via === 'name' || reference.via === 'policy') state.idShapes.learnFrom(reference.value, sourceName('call:', event.tool));
      }
      break;
    }
    case 'tool.result': {
      const record = state.calls.get(event.call_id);
      const pending = record?.pending;
      // A result for a call the guard never admitted ran without its check: what it holds vouches for nothing
      // (its echo of invented arguments cannot be told apart, as it is for an admitted call).
      const admitted = record !== undefined || state.calls.leftPending(event.call_id);
      if (record) {
        record.resultHash = context.content().hash;
        record.pending = undefined;
      }
      if (proceeds) {
        const content = context.content();
        // Third-party content (a web page, an email), content flagged as injection and the result of a call
        // never admitted introduce untrusted ids.
        // Either name decides: the tool the result says it came from, or the tool its call went to (a result may name
        // another tool than its call did; an external call answered under a first-party name is still third-party).
        const external = state.tools.get(event.tool)?.externalContent === true || (record !== undefined && state.tools.get(record.tool)?.externalContent === true);
        const flagged = policy.injection.taintFlaggedContent && flags.some((flag) => flag.code === AnomalyCode.PROMPT_INJECTION);
        const trust = external || flagged || !admitted ? 'untrusted' : 'trusted';
        const source = sourceName('tool:', event.tool);
        state.ledger.record(content.tokenList, { step: event.step, source, trust }, pending?.echo);
        // A result's "123-456-789", "4421 486" and "ORD 2024 000123" vouch for 123456789, 4421486 and ORD2024000123, as a user's do.
        state.ledger.record(joinedFormsOf(content, pending?.echo), { step: event.step, source, trust }, pending?.echo);
        state.ledger.recordDropped(event.step, source, content.droppedTokens);
        if (pending && pending.lookupIds.length > 0 && event.is_error !== true) {
          state.ledger.record(pending.lookupIds, { step: event.step, source: `lookup:${event.tool}`, trust: 'trusted' });
        }
        if (trust === 'trusted') for (const id of content.idValues) state.idShapes.learnFrom(id, `tool:${event.tool}`);
        // What the session's own records hold (its customer's payment methods): a later result naming a co-owner of one is no mismatch.
        // (Not from a JSON text too long to parse on the way: `content.parsed` of it would hold the loop.)
        const parseable = typeof event.result !== 'string' || event.result.length <= MAX_PARSED_TEXT;
        if (trust === 'trusted' && parseable && content.keyed.length > 0 && state.sessionEntities.size > 0) {
          const entities = (key: string) => state.sessionEntities.get(key);
          state.rememberOwnMembers(ownRecordMembers(content.parsed, content.keyed, entities, ownerKeyTest((key) => entities(key) !== undefined)));
        }
      } else recordWithheld(state, context.content(), event.step, event.tool, pending?.echo);
      break;
    }
    case 'subagent.output':
    case 'context.add': {
      const source = event.type === 'context.add' ? event.source : event.agent ? `subagent:${event.agent}` : 'subagent';
      if (proceeds) {
        const content = context.content();
        state.ledger.record(content.tokenList, { step: event.step, source, trust: 'untrusted' });
        state.ledger.record(joinedFormsOf(content), { step: event.step, source, trust: 'untrusted' });
        state.ledger.recordDropped(event.step, source, content.droppedTokens);
      } else recordWithheld(state, context.content(), event.step, source);
      break;
    }
    case 'goal.update':
      state.goal = event.goal;
      break;
    case 'session.end':
      if (state.status === 'active') state.status = 'ended';
      break;
  }
}
