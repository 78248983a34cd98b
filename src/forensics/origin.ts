import type { FailureMode, Flag } from '../trace/events.js';
import { AnomalyCode } from '../codes.js';
import { normalizeId } from '../text/tokens.js';
import type { FaultOrigin } from './triage-types.js';
import type { StepLog } from './step-log.js';
import { previewJson } from '../trace/printable.js';

/** What pass 1 learned about a session, enough to walk back from any flag to where its premise entered. */
export interface SessionFacts {
  flags: Flag[];
  /**
   * Each step's event type, its agent (in multi-agent sessions), and for a tool.call or tool.result
   * its call id and tool.
   */
  steps: StepLog;
  /** Token -> the first model output (llm.call) that said it; made when the first is seen. */
  modelMentions: Map<string, number> | undefined;
  /** Tool-call id -> the llm.call step that produced it. */
  callOrigins: Map<string, number> | undefined;
  /** Tool-call ids whose arguments used an id with no trusted provenance. */
  suspectCalls: Set<string> | undefined;
  /** Tool -> steps where its definition changed. */
  definitionChanges: Map<string, number[]> | undefined;
  /** Whether the session ended with a final answer (`session.end` completed, with output). */
  answered: boolean;
}

/**
 * A field of a flag's evidence as text. Evidence can come from a trace (a recorded decision) or from
 * what a session declared (an entity's value), so it may be any JSON: never converted with String(),
 * which throws on an object whose `toString` is not a function.
 */
export function evidenceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  // A preview, not the whole: evidence from a trace can be as large and as deep as its line.
  return typeof value === 'object' ? previewJson(value, 200) : String(value);
}

/** Whether a value can be a step: a trace's own flags and evidence may hold anything there. */
export function isStep(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A possible fault origin, with what to follow forward from it. */
export interface Candidate {
  origin: FaultOrigin;
  mode: FailureMode;
  /** Tokens whose later appearances are cascade. */
  taint: string[];
  /** Tool calls that are cascade whatever their arguments. */
  calls: string[];
  /** Ranks candidates at the same step: the more specific premise first. */
  rank: number;
}

const MODE_RANK: Record<FailureMode, number> = { hallucination_propagation: 0, context_poisoning: 1, tool_misfire: 2, cost_runaway: 3, none: 9 };

function candidate(step: number, type: string, reason: string, mode: FailureMode, taint: string[] = [], calls: string[] = []): Candidate {
  return { origin: { step, type, reason }, mode, taint, calls, rank: MODE_RANK[mode] };
}

/** Walks back from one flag to where the premise it rests on first entered the session. */
export function candidateFor(flag: Flag, facts: SessionFacts): Candidate | undefined {
  const evidence = flag.evidence ?? {};
  const typeAt = (step: number) => facts.steps.typeAt(step) ?? 'unknown';
  const call = facts.steps.callAt(flag.step);
  switch (flag.code) {
    case AnomalyCode.ENTITY_HALLUCINATION: {
      const id = evidenceText(evidence.id);
      const token = normalizeId(id) ?? id;
      if (evidence.in === 'model_text') {
        return candidate(flag.step, 'llm.call', `${id} first appears in a model output; it was in no prior trusted context.`, 'hallucination_propagation', [token]);
      }
      const said = facts.modelMentions?.get(token);
      if (said !== undefined && said < flag.step) {
        return candidate(said, 'llm.call', `${id} first appears in the model output at step ${said}; it was in no prior trusted context.`, 'hallucination_propagation', [token], call ? [call.callId] : []);
      }
      return candidate(flag.step, typeAt(flag.step), `${evidenceText(evidence.tool) || 'a tool'} was called with ${id}, an id in no prior trusted context.`, 'hallucination_propagation', [token], call ? [call.callId] : []);
    }
    case AnomalyCode.UNTRUSTED_ENTITY: {
      const id = evidenceText(evidence.id);
      const token = normalizeId(id) ?? id;
      const sourceStep = isStep(evidence.sourceStep) ? evidence.sourceStep : flag.step;
      const source = evidenceText(evidence.source) || 'untrusted content';
      const fromSubagent = source.startsWith('subagent');
      return candidate(sourceStep, typeAt(sourceStep), `${id} came only from ${source} at step ${sourceStep}, untrusted input the agent acted on.`, fromSubagent ? 'hallucination_propagation' : 'context_poisoning', [token], call ? [call.callId] : []);
    }
    case AnomalyCode.UNTRUSTED_OUTPUT:
      return candidate(flag.step, typeAt(flag.step), `A subagent's output failed validation: ${flag.message}`, 'hallucination_propagation');
    case AnomalyCode.ENTITY_MISMATCH: {
      if (call && facts.suspectCalls?.has(call.callId)) return undefined;
      const found = evidenceText(evidence.found);
      return candidate(flag.step, 'tool.result', flag.message, 'tool_misfire', [normalizeId(found) ?? found], call ? [call.callId] : []);
    }
    case AnomalyCode.OUTPUT_TRUNCATED: {
      if (typeAt(flag.step) === 'llm.call') {
        const listed: unknown[] = Array.isArray(evidence.toolCalls) ? evidence.toolCalls : [];
        const ids = listed.flatMap((toolCall) => (toolCall !== null && typeof toolCall === 'object' && typeof (toolCall as { id?: unknown }).id === 'string' ? [(toolCall as { id: string }).id] : []));
        return candidate(flag.step, 'llm.call', 'The model output hit its length limit while producing tool calls: their arguments were cut off.', 'tool_misfire', [], ids);
      }
      const origin = call ? facts.callOrigins?.get(call.callId) : undefined;
      return origin === undefined ? candidate(flag.step, typeAt(flag.step), flag.message, 'tool_misfire', [], call ? [call.callId] : []) : undefined;
    }
    case AnomalyCode.TOOL_ARG_MISMATCH:
    case AnomalyCode.TOOL_UNKNOWN: {
      const tool = call?.tool ?? evidenceText(evidence.tool);
      const changed = (facts.definitionChanges?.get(tool) ?? []).filter((step) => step < flag.step);
      if (flag.code === AnomalyCode.TOOL_ARG_MISMATCH && changed.length > 0) {
        return candidate(changed[0]!, 'tool.definitions', `The definition of ${tool} changed at step ${changed[0]}; calls no longer matched its schema.`, 'tool_misfire', [], call ? [call.callId] : []);
      }
      // A tool dropped past the session's bound: the premise entered with the list that went past it.
      if (flag.code === AnomalyCode.TOOL_UNKNOWN && evidence.dropped === true && isStep(evidence.since) && evidence.since < flag.step) {
        return candidate(evidence.since, 'tool.definitions', `The tool list at step ${evidence.since} named ${tool} past the session's bound of ${String(evidence.maxTools)} tools (limits.maxTools); it was dropped, so its calls were refused.`, 'tool_misfire', [], call ? [call.callId] : []);
      }
      const produced = call ? facts.callOrigins?.get(call.callId) : undefined;
      const step = produced ?? flag.step;
      return candidate(step, typeAt(step), flag.code === AnomalyCode.TOOL_UNKNOWN ? `The model called ${tool}, a tool that was never defined.` : `The model produced malformed arguments for ${tool}: ${flag.message}`, 'tool_misfire', [], call ? [call.callId] : []);
    }
    case AnomalyCode.PROMPT_INJECTION:
      return candidate(flag.step, typeAt(flag.step), flag.message, 'context_poisoning');
    case AnomalyCode.CONTEXT_DRIFT:
      return candidate(flag.step, 'goal.update', flag.message, 'context_poisoning');
    case AnomalyCode.LOOP_DETECTED: {
      const listed = Array.isArray(evidence.steps) ? evidence.steps.filter(isStep) : [];
      const steps = listed.length > 0 ? listed : [flag.step];
      const entry = steps[0]!;
      const callIds = steps.map((step) => facts.steps.callAt(step)?.callId).filter((id): id is string => id !== undefined);
      return candidate(entry, typeAt(entry), `Loop entry: ${evidenceText(evidence.tool) || 'a tool'} was called ${steps.length} times with near-identical arguments from step ${entry}, with no new information.`, 'cost_runaway', [], callIds);
    }
    case AnomalyCode.BURN_RATE_SPIKE:
    case AnomalyCode.BUDGET_EXCEEDED:
      return candidate(flag.step, typeAt(flag.step), flag.message, 'cost_runaway');
    case AnomalyCode.ENTITY_UNVERIFIED:
      return flag.step === 0 ? candidate(0, 'session.start', flag.message, 'hallucination_propagation', [normalizeId(evidenceText(evidence.id)) ?? '']) : undefined;
    default:
      // STEP_BUDGET_EXCEEDED, CONTEXT_BLOAT, TOOL_DEFINITION_CHANGED, GUARD_ERROR, SESSION_*: signals, not premises.
      return undefined;
  }
}

const SPIKES = new Set<string>([AnomalyCode.CONTEXT_BLOAT, AnomalyCode.STEP_BUDGET_EXCEEDED]);

/**
 * Token spikes alone are signals; they are a cost runaway when they recur, or when the session never
 * reached an answer (the playbook's signature: spend well above baseline, no final output).
 */
function spikeCandidate(facts: SessionFacts): Candidate | undefined {
  const spikes = facts.flags.filter((flag) => SPIKES.has(flag.code));
  if (spikes.length === 0 || (spikes.length < 2 && facts.answered)) return undefined;
  const first = spikes.reduce((earliest, flag) => (flag.step < earliest.step ? flag : earliest));
  const reason = `Token spend spiked from step ${first.step} (${spikes.length} spike${spikes.length > 1 ? 's' : ''}${facts.answered ? '' : ', and no final answer'}): ${first.message}`;
  return candidate(first.step, facts.steps.typeAt(first.step) ?? 'llm.call', reason, 'cost_runaway');
}

/** The fault origin: the earliest step that introduced a wrong premise; at a tie, the most specific. */
export function locateOrigin(facts: SessionFacts): Candidate | undefined {
  let best: Candidate | undefined;
  for (const flag of facts.flags) {
    const found = candidateFor(flag, facts);
    if (!found) continue;
    if (!best || found.origin.step < best.origin.step || (found.origin.step === best.origin.step && found.rank < best.rank)) best = found;
  }
  // Spikes are the weakest evidence: an origin only when nothing else explains the session.
  best ??= spikeCandidate(facts);
  const agent = best === undefined ? undefined : facts.steps.agentAt(best.origin.step);
  if (best && agent !== undefined) best.origin.agent = agent;
  return best;
}
