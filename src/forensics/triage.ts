import type { Flag, ToolAnnotations, TraceEvent } from '../trace/events.js';
import { readTrace, type TraceItem, type TraceProblem } from '../trace/reader.js';
import { modelToolCalls } from '../trace/model-tool-calls.js';
import { SessionEnds, sessionOf } from '../trace/session-ends.js';
import { openTrace, replayTraceLazily, type ReopenableTrace, type ReplayOptions, type ReplaySession, type SessionList } from '../replay.js';
import type { Decision } from '../decision.js';
import { withReopenable, type TraceSource } from './spool.js';
import { AnomalyCode } from '../codes.js';
import { forEachToken } from '../text/tokens.js';
import { scanContent } from '../text/content-scan.js';
import { evidenceText, isStep, locateOrigin, type Candidate, type SessionFacts } from './origin.js';
import { StepLog } from './step-log.js';
import { NumberColumn } from '../number-column.js';
import type { ActionAfterOrigin, SessionTriage } from './triage-types.js';
import { isResolvedPolicy, resolvePolicy } from '../policy/policy.js';
import { TokenBudget } from '../state/budget.js';
import { computeBaselines, visitSession, type SessionTypeBaseline } from './baselines.js';
import { groupIncidents, type IncidentGroup } from './incidents.js';
import { NONE, QuietSessions, quietTriage } from './quiet-sessions.js';

export type { TraceSource } from './spool.js';

export interface TriageOptions extends ReplayOptions {
  onProblem?(problem: TraceProblem): void;
  /** Called for every event of the first pass (the replay), with the guard's decision: progress, counts. */
  onEvent?(event: TraceEvent, decision: Decision): void;
}

export interface TriageReport {
  sessions: SessionTriage[];
  /** The guard's decisions from the replay triage ran, per session (what `warden replay` prints). */
  decisions: ReplaySession[];
  problems: TraceProblem[];
  validEvents: number;
  /** Each session type's baseline over the sessions read. */
  baselines: SessionTypeBaseline[];
  /** Failed sessions grouped by failure signature, with the playbook's escalation rule applied. */
  incidents: IncidentGroup[];
}

/** `TriageReport` with its sessions and decisions packed (`triageTraceLazily`): each an object when iterated, one at a time. */
export interface LazyTriageReport extends Omit<TriageReport, 'sessions' | 'decisions'> {
  sessions: SessionList<SessionTriage>;
  decisions: SessionList<ReplaySession>;
}

const MAX_MENTIONS = 50_000;
const MAX_FLAGS = 1_000;
/** Per-session step indexes keep their earliest entries (where fault origins are) up to this many. */
const MAX_INDEXED_STEPS = 200_000;
const MAX_TAINT = 10_000;

/** Adds to a per-session index while it has room: memory stays bounded on a million-event trace. */
function indexStep<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size < MAX_INDEXED_STEPS || map.has(key)) map.set(key, value);
}
const STOPPING = new Set(['block', 'pause', 'kill']);

interface Pass1 extends SessionFacts {
  /** The session's place in the report (order of first appearance). */
  order: number;
  totals: SessionTriage['totals'];
  /** Flags kept, by code, step and id (made with the first flag). */
  flagKeys: Set<string> | undefined;
  costNano: number;
  sessionType: string | null;
  firstAt: number | undefined;
  lastAt: number | undefined;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const NO_TOKENS: readonly string[] = [];

/** The distinct id-like tokens of any trace value, through the guard's own content scanner (iterative, bounded). */
function tokensOf(value: unknown): readonly string[] {
  // Nothing to scan (a model output with tool calls and no text): no scanner set up for it.
  if (value === undefined || value === null || value === '') return NO_TOKENS;
  // The list, not the set: every caller walks it once, and a set per model call is garbage at once.
  return scanContent(value, { watchedKeys: NO_KEYS, maxDepth: 64, maxTokens: MAX_MENTIONS }).tokenList;
}

/** Refusals because the session was already halted restate an earlier finding; they are not findings of their own. */
const CONSEQUENCES = new Set<string>([AnomalyCode.SESSION_PAUSED, AnomalyCode.SESSION_KILLED]);

function addFlag(facts: Pass1, flag: Flag): void {
  if (CONSEQUENCES.has(flag.code)) return;
  const key = `${flag.code}\u0000${flag.step}\u0000${evidenceText(flag.evidence?.id)}`;
  facts.flagKeys ??= new Set();
  if (facts.flagKeys.has(key) || facts.flags.length >= MAX_FLAGS) return;
  facts.flagKeys.add(key);
  facts.flags.push(flag);
}

/**
 * A flag a trace's `guard.decision` holds, as triage keeps it: written by another process (or by
 * hand), so only a string code is certain. A missing message or step is filled in, evidence that is
 * not an object dropped: the postmortem and the report print these fields.
 */
function recordedFlag(flag: Flag, targetStep: number): Flag {
  const { code, step, message, evidence } = flag as { code: string; step?: unknown; message?: unknown; evidence?: unknown };
  return {
    code,
    step: isStep(step) ? step : targetStep,
    message: typeof message === 'string' ? message : `${code} (recorded without a message).`,
    ...(evidence !== null && typeof evidence === 'object' && !Array.isArray(evidence) ? { evidence: evidence as Record<string, unknown> } : {}),
  };
}

/**
 * Triage, as the playbook does it: classify the failure mode, find the fault origin by walking back
 * from each finding to where its premise entered, follow the cascade forward, and list the external
 * actions taken after the origin. Honest on clean sessions: mode `none`, no origin.
 * Streams: the trace is read up to three times (where each session ends, a light scan that parses
 * almost nothing; the replay; the cascade, parsing only the sessions with an origin), and
 * a session's working state is reduced to its triage right after its last event, so memory is
 * bounded by the sessions open at once. A one-shot input (stdin) is first copied to a temporary file.
 */
export async function triageTrace(source: TraceSource, options: TriageOptions = {}): Promise<TriageReport> {
  const report = await triageTraceLazily(source, options);
  return { ...report, sessions: [...report.sessions], decisions: [...report.decisions] };
}

/**
 * `triageTrace`, its sessions and decisions kept packed until iterated: a session triage found
 * nothing in keeps its totals, times, type and id's characters (about 100 bytes with its replay's
 * share), so a million short sessions are triaged and printed without a million objects.
 */
export async function triageTraceLazily(source: TraceSource, options: TriageOptions = {}): Promise<LazyTriageReport> {
  return withReopenable(source, (trace) => triageReopenable(trace, options));
}

/** The triage of a session with an origin or flags, once its last event is read; the cascade pass fills in what follows its origin. */
function triageOf(sessionId: string, session: Pass1, origin: Candidate | undefined): SessionTriage {
  return {
    ...quietTriage(sessionId, session),
    mode: origin?.mode ?? 'none',
    fault_origin: origin?.origin ?? null,
    cascade: origin ? [origin.origin.step] : NONE,
    flags: session.flags.length === 0 ? NONE : [...session.flags].sort((a, b) => a.step - b.step).map(({ code, step, message }) => ({ code, step, message })),
  };
}

async function triageReopenable(source: ReopenableTrace, options: TriageOptions): Promise<LazyTriageReport> {
  const { onProblem, onEvent: observe, ...guardOptions } = options;
  const sessionEnds = await SessionEnds.of(openTrace(source));
  const policy = isResolvedPolicy(guardOptions.policy) ? guardOptions.policy : resolvePolicy(guardOptions.policy);
  const pricing = new TokenBudget(policy.budget);
  const sessions = new Map<string, Pass1>();
  /** Each session's triage, by its place: 2 + twice a quiet one's number in `quiet`, or 1 + twice its index in `kept`; 0 until it ends. */
  const places = new NumberColumn('uint32');
  let placed = 0;
  const quiet = new QuietSessions();
  /** The triages of sessions with an origin or flags, as objects (the cascade pass completes them). */
  const kept: SessionTriage[] = [];
  const origins = new Map<string, Candidate>();
  const facts = (sessionId: string): Pass1 => {
    let found = sessions.get(sessionId);
    if (!found) {
      found = {
        order: placed++,
        flags: [],
        flagKeys: undefined,
        steps: new StepLog(MAX_INDEXED_STEPS),
        modelMentions: undefined,
        callOrigins: undefined,
        suspectCalls: undefined,
        definitionChanges: undefined,
        answered: false,
        totals: { llm_calls: 0, tool_calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, steps: 0 },
        costNano: 0,
        sessionType: null,
        firstAt: undefined,
        lastAt: undefined,
      };
      sessions.set(sessionId, found);
    }
    return found;
  };

  const replay = await replayTraceLazily(source, { ...guardOptions, sessionEnds }, {
    ...(onProblem ? { onProblem } : {}),
    onSessionEnd(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return;
      // The session is over: keep its triage, drop the indexes it was built from.
      const origin = locateOrigin(session);
      if (origin) origins.set(sessionId, origin);
      session.totals.cost_usd = session.costNano / 1e9;
      places.set(session.order, !origin && session.flags.length === 0 ? 2 + 2 * quiet.add(session) : 2 * kept.push(triageOf(sessionId, session, origin)) - 1);
      sessions.delete(sessionId);
    },
    onEvent(event, decision) {
      observe?.(event, decision);
      const session = facts(event.session_id);
      if (event.step > session.totals.steps) session.totals.steps = event.step;
      const at = event.ts === undefined ? NaN : Date.parse(event.ts);
      if (!Number.isNaN(at)) {
        if (session.firstAt === undefined || at < session.firstAt) session.firstAt = at;
        if (session.lastAt === undefined || at > session.lastAt) session.lastAt = at;
      }
      const agent = typeof event.agent === 'string' ? event.agent : undefined;
      if (event.type === 'tool.call' || event.type === 'tool.result') session.steps.add(event.step, event.type, agent, event.call_id, event.tool);
      else session.steps.add(event.step, event.type, agent);
      switch (event.type) {
        case 'llm.call': {
          session.totals.llm_calls += 1;
          session.totals.input_tokens += event.input_tokens ?? 0;
          session.totals.output_tokens += event.output_tokens ?? 0;
          if (typeof event.model === 'string') session.costNano += pricing.charge(event.model, { inputTokens: event.input_tokens ?? 0, outputTokens: event.output_tokens ?? 0 }).costNano;
          const remember = (token: string) => {
            const mentions = (session.modelMentions ??= new Map());
            if (!mentions.has(token) && mentions.size < MAX_MENTIONS) mentions.set(token, event.step);
          };
          for (const token of tokensOf(event.output?.text)) remember(token);
          for (const call of modelToolCalls(event.output)) {
            indexStep((session.callOrigins ??= new Map()), call.id, event.step);
            for (const token of tokensOf(call.arguments)) remember(token);
          }
          break;
        }
        case 'tool.call':
          session.totals.tool_calls += 1;
          if (decision.flags.some((flag) => flag.code === AnomalyCode.ENTITY_HALLUCINATION || flag.code === AnomalyCode.UNTRUSTED_ENTITY)) {
            const suspects = (session.suspectCalls ??= new Set());
            if (suspects.size < MAX_INDEXED_STEPS) suspects.add(event.call_id);
          }
          break;
        case 'session.start':
          if (typeof event.session_type === 'string') session.sessionType = event.session_type;
          break;
        case 'session.end':
          session.answered = event.status === 'completed' && event.output !== undefined && event.output !== null && event.output !== '';
          break;
        case 'guard.decision':
          // Decisions the trace already holds (a live guard's) count as well as the replay's own.
          for (const flag of event.flags ?? []) if (flag && typeof flag.code === 'string') addFlag(session, recordedFlag(flag, event.target_step));
          break;
      }
      for (const flag of decision.flags) {
        if (flag.code === AnomalyCode.TOOL_DEFINITION_CHANGED && typeof flag.evidence?.tool === 'string') {
          const changes = (session.definitionChanges ??= new Map());
          const steps = changes.get(flag.evidence.tool) ?? [];
          steps.push(flag.step);
          changes.set(flag.evidence.tool, steps);
        }
        addFlag(session, flag);
      }
    },
  });

  // No origin, no cascade: a trace of clean sessions is not read a third time.
  const forward = origins.size === 0 ? new Map<string, never>() : await followForward(source, origins, sessionEnds, policy.limits.maxTools);
  // What the cascade was followed from is not in the report: the report's closures must not keep it.
  origins.clear();
  for (const triage of kept) {
    const after = forward.get(triage.session_id);
    if (!after) continue;
    triage.cascade = after.cascade;
    if (after.actions.length > 0) triage.actions_after_origin = after.actions;
  }
  // A session's place is its place in the replay's report too (both in order of first appearance): its id is kept there.
  function* inOrder(onlyKept: boolean): Generator<SessionTriage> {
    for (let order = 0; order < placed; order += 1) {
      const place = places.get(order);
      if (place % 2 === 1) yield kept[(place - 1) / 2]!;
      else if (place > 0 && !onlyKept) yield quiet.triageOf((place - 2) / 2, replay.sessionIdAt(order));
    }
  }
  const report: SessionList<SessionTriage> = {
    get size() {
      let count = 0;
      for (let order = 0; order < placed; order += 1) if (places.get(order) !== 0) count += 1;
      return count;
    },
    [Symbol.iterator]: () => inOrder(false),
  };
  const baselines = computeBaselines({
    forEach(visit) {
      for (let order = 0; order < placed; order += 1) {
        const place = places.get(order);
        if (place % 2 === 1) visitSession(kept[(place - 1) / 2]!, visit);
        else if (place > 0) quiet.visit((place - 2) / 2, visit);
      }
    },
  });
  // Quiet sessions have no failure mode: incidents are grouped from the kept ones, in the same order.
  const incidents = groupIncidents(inOrder(true), baselines);
  return { sessions: report, decisions: replay.sessions, problems: replay.problems, validEvents: replay.validEvents, baselines, incidents };
}

interface Forward {
  cascade: number[];
  actions: ActionAfterOrigin[];
  taint: Set<string>;
  taintedCalls: Set<string>;
  annotations: Map<string, ToolAnnotations | undefined>;
  refused: Set<string>;
  executed: Set<string>;
  pendingActions: Array<ActionAfterOrigin & { callId: string }>;
  repeatedTools: Set<string>;
}

function reversible(annotations: ToolAnnotations | undefined): boolean | null {
  if (annotations?.readOnlyHint === true) return true;
  if (annotations?.destructiveHint === true) return false;
  return null;
}

/** The last pass: from each origin, the steps that carry its premise forward, and the actions taken after it. */
async function followForward(source: ReopenableTrace, origins: Map<string, Candidate>, sessionEnds: SessionEnds, maxTools: number): Promise<Map<string, { cascade: number[]; actions: ActionAfterOrigin[] }>> {
  const states = new Map<string, Forward>();
  const result = new Map<string, { cascade: number[]; actions: ActionAfterOrigin[] }>();
  const finish = (sessionId: string, state: Forward) => {
    // A call the recording guard refused, with no result in the trace, never reached its tool.
    const actions = state.pendingActions
      .filter((action) => state.executed.has(action.callId) || !state.refused.has(action.callId))
      .map(({ step, tool, reversible: canUndo }) => ({ step, tool, reversible: canUndo }));
    result.set(sessionId, { cascade: state.cascade, actions });
    states.delete(sessionId);
  };
  const lastStep = new Map<string, number>();
  const ended = (sessionId: string) => {
    const state = states.get(sessionId);
    if (state) finish(sessionId, state);
    lastStep.delete(sessionId);
  };
  const position = { item: 0 };
  const passedOver = (item: TraceItem) => {
    if (states.size === 0 || !sessionEnds.isLast(position.item)) return;
    const sessionId = sessionOf(item);
    if (sessionId !== undefined) ended(sessionId);
  };
  // Only sessions with an origin have a cascade: the lines of the others are skipped, mostly unparsed.
  for await (const line of readTrace(openTrace(source), { lastStep, position, passedOver, only: (sessionId) => origins.has(sessionId) })) {
    const event = line.event!;
    const origin = origins.get(event.session_id)!;
    let state = states.get(event.session_id);
    if (!state) {
      state = {
        cascade: [],
        actions: [],
        taint: new Set(origin.taint.filter((token) => token !== '')),
        taintedCalls: new Set(origin.calls),
        annotations: new Map(),
        refused: new Set(),
        executed: new Set(),
        pendingActions: [],
        repeatedTools: new Set(),
      };
      states.set(event.session_id, state);
    }
    trackForward(event, origin, state, maxTools);
    if (sessionEnds.isLast(position.item)) ended(event.session_id);
  }
  for (const [sessionId, state] of [...states]) finish(sessionId, state);
  return result;
}

function mentions(value: unknown, taint: ReadonlySet<string>): boolean {
  if (taint.size === 0) return false;
  for (const token of tokensOf(value)) if (taint.has(token)) return true;
  return false;
}

function trackForward(event: TraceEvent, origin: Candidate, state: Forward, maxTools: number): void {
  const start = origin.origin.step;
  const poisoned = origin.mode === 'context_poisoning';
  if (event.type === 'tool.definitions') {
    // As many tools as a session keeps (limits.maxTools): a tool dropped past it was never called.
    for (const tool of event.tools) if (state.annotations.has(tool.name) || state.annotations.size < maxTools) state.annotations.set(tool.name, tool.annotations);
  }
  if (event.type === 'guard.decision') {
    if (STOPPING.has(event.action)) {
      const refused = state.pendingActions.find((action) => action.step === event.target_step);
      if (refused) state.refused.add(refused.callId);
    }
    return;
  }
  if (event.step < start) return;
  const add = () => {
    if (state.cascade.at(-1) !== event.step) state.cascade.push(event.step);
  };
  if (event.step === start) add();
  switch (event.type) {
    case 'tool.call': {
      state.pendingActions.push({ step: event.step, tool: event.tool, reversible: reversible(state.annotations.get(event.tool)), callId: event.call_id });
      const repeat = origin.mode === 'cost_runaway' && state.repeatedTools.has(event.tool);
      if (state.taintedCalls.has(event.call_id) || repeat || poisoned || mentions(event.arguments, state.taint)) {
        state.taintedCalls.add(event.call_id);
        if (origin.mode === 'cost_runaway') state.repeatedTools.add(event.tool);
        add();
      }
      break;
    }
    case 'tool.result':
      state.executed.add(event.call_id);
      if (state.taintedCalls.has(event.call_id)) {
        // What a result of a tainted call introduces is tainted too (the other customer's id, say).
        const scan = scanContent(event.result, { watchedKeys: NO_KEYS, maxDepth: 32, maxTokens: 10_000 });
        for (const value of scan.idValues) forEachToken(value, (token) => state.taint.size < MAX_TAINT && state.taint.add(token));
        add();
      } else if (poisoned) add();
      break;
    case 'llm.call':
      if (poisoned || mentions(event.output, state.taint) || modelToolCalls(event.output).some((call) => state.taintedCalls.has(call.id))) add();
      break;
    case 'message':
      if (event.role === 'assistant' && (poisoned || mentions(event.content, state.taint))) add();
      break;
    case 'subagent.output':
    case 'context.add':
      if (event.step !== start && mentions(event.content, state.taint)) add();
      break;
    case 'session.end':
      if (poisoned || mentions(event.output, state.taint) || origin.mode === 'cost_runaway') add();
      break;
  }
}
