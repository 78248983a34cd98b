import { randomUUID } from 'node:crypto';
import type {
  Action,
  EventInput,
  Flag,
  GuardDecisionEvent,
  MessageRole,
  ModelToolCall,
  SessionEndEvent,
  SubagentOutputEvent,
  TraceEvent,
} from './trace/events.js';
import { AnomalyCode, moreSevere } from './codes.js';
import type { CheckContext } from './checks/check.js';
import { prepareCall, type PreparedCall } from './checks/prepared-call.js';
import { decide, runChecks } from './pipeline.js';
import { buildRefusal, type Refusal } from './refusal.js';
import { SessionState } from './state/session-state.js';
import { applyEvent, type PendingCalls } from './state/apply-event.js';
import { scanContent, type ContentScan } from './text/content-scan.js';
import type { BudgetAlert, GuardRuntime } from './runtime.js';
import { toToolDefinition, type ToolDefinitionLike } from './tool-definition.js';
import { snapshotArguments } from './state/argument-snapshot.js';
import type { ArgumentProblem } from './checks/prepared-call.js';
import { canonicalArguments } from './text/canonical-args.js';
import { isTokenCount } from './state/budget.js';
import { unpricedFlag } from './checks/budget.js';

/** The guard's verdict on one event. */
export interface Decision {
  /** The trace step of the event decided. */
  step: number;
  action: Action;
  /** Every flag raised for the event. */
  flags: Flag[];
  /** Whether the call runs (or the result reaches the model): allow, warn, or a pause a human approved. */
  proceed: boolean;
  escalation?: 'approved' | 'denied' | 'killed' | 'unavailable' | 'timeout' | 'failed';
  /** What the model gets instead, when it does not proceed. */
  refusal?: Refusal;
  /** The event carries no decision (a `guard.decision` event fed back in). */
  ignored?: boolean;
  /**
   * For a tool call that proceeds: the deep-frozen snapshot of the arguments the guard checked.
   * Hand the tool exactly this (never the caller's object, whose getters or Proxy could answer differently).
   */
  arguments?: Readonly<Record<string, unknown>>;
}

export interface ToolCallInput {
  callId?: string;
  tool: string;
  arguments: Record<string, unknown> | string;
}

export interface ToolResultInput {
  callId: string;
  tool: string;
  result: unknown;
  isError?: boolean;
}

export interface ModelCallInput {
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: string[];
  text?: string;
  toolCalls?: ModelToolCall[];
  inputMessages?: unknown[];
  durationMs?: number;
  /** The reservation from `beforeModelCall`, reconciled to the actual usage. */
  reservationId?: string;
}

/**
 * The refusal to show instead of a final answer the guard says to withhold (an invented id the model
 * told the user), or `undefined` when the answer may go out. For integrations that can still hold it back.
 */
export function withheldAnswer(decision: Decision): Refusal | undefined {
  if (decision.proceed || !decision.refusal) return undefined;
  return decision.flags.some((flag) => flag.evidence?.in === 'model_text' && flag.evidence.final === true) ? decision.refusal : undefined;
}

export interface ModelAdmission extends Decision {
  /** Pass to `modelCall`, or to `releaseModelCall` if the call fails. */
  reservationId?: string;
  /** How long the call was held back because the session is spending too fast (`throttle`). */
  throttledMs?: number;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const NON_PROCEEDING: ReadonlySet<Action> = new Set(['block', 'pause', 'kill']);
/** Events refused (calls) or withheld (content) while a session is paused or killed. */
const HALTABLE: ReadonlySet<TraceEvent['type']> = new Set(['tool.call', 'tool.result', 'llm.call', 'subagent.output', 'context.add']);

/**
 * One agent run under the guard. Feed it what happens; ask it before each tool call.
 * State changes for an event are made synchronously with its decision, so concurrent calls in one
 * session see each other (a reservation, a loop count) in order.
 */
export class GuardSession {
  state: SessionState;
  private readonly pendingCalls: PendingCalls = new Map();
  private readonly escalationWaiters: Array<() => void> = [];
  private runtime: GuardRuntime;
  private sessionType: string | undefined;

  constructor(id: string, runtime: GuardRuntime) {
    this.runtime = runtime;
    this.state = new SessionState(id, runtime.policy, runtime.tools);
  }

  get id(): string {
    return this.state.id;
  }

  /** The session's type, from `startSession({ type })` or its trace's `session.start`. */
  get type(): string | undefined {
    return this.sessionType;
  }

  get status() {
    return this.state.status;
  }

  // ---- feeding the session -------------------------------------------------

  message(role: MessageRole, content: string): Promise<Decision> {
    return this.ingest({ type: 'message', role, content });
  }

  /** Records tool definitions (trace, MCP or OpenAI shape); a definition that changed is flagged. */
  defineTools(tools: ToolDefinitionLike[]): Promise<Decision> {
    return this.ingest({ type: 'tool.definitions', tools: tools.map(toToolDefinition) });
  }

  modelCall(input: ModelCallInput): Promise<Decision> {
    const output: { text?: string; tool_calls?: ModelToolCall[] } = {};
    if (input.text !== undefined) output.text = input.text;
    if (input.toolCalls !== undefined) output.tool_calls = input.toolCalls;
    const event: EventInput = {
      type: 'llm.call',
      model: input.model,
      output,
      ...(input.inputTokens !== undefined ? { input_tokens: input.inputTokens } : {}),
      ...(input.outputTokens !== undefined ? { output_tokens: input.outputTokens } : {}),
      ...(input.finishReasons !== undefined ? { finish_reasons: input.finishReasons } : {}),
      ...(input.inputMessages !== undefined ? { input_messages: input.inputMessages } : {}),
      ...(input.durationMs !== undefined ? { duration_ms: input.durationMs } : {}),
    };
    return this.ingest(event, input.reservationId);
  }

  subagentOutput(content: unknown, options: { agent?: string; callId?: string } = {}): Promise<Decision> {
    return this.ingest({ type: 'subagent.output', content, ...(options.callId ? { call_id: options.callId } : {}), ...(options.agent ? { agent: options.agent } : {}) });
  }

  contextAdd(source: string, content: unknown): Promise<Decision> {
    return this.ingest({ type: 'context.add', source, content });
  }

  goalUpdate(goal: string, source: string): Promise<Decision> {
    return this.ingest({ type: 'goal.update', goal, source });
  }

  end(status: SessionEndEvent['status'] = 'completed', output?: unknown): Promise<Decision> {
    return this.ingest({ type: 'session.end', status, ...(output !== undefined ? { output } : {}) });
  }

  /** Ask before running a tool. A refused call comes with `refusal`, the structured error to give the model. */
  beforeToolCall(call: ToolCallInput): Promise<Decision> {
    const callId = call.callId ?? `call_${this.state.lastStep + 1}`;
    return this.ingest({ type: 'tool.call', call_id: callId, tool: call.tool, arguments: call.arguments });
  }

  /** Report a tool's answer; a result that must be withheld from the model comes back with `proceed: false`. */
  afterToolCall(result: ToolResultInput): Promise<Decision> {
    return this.ingest({ type: 'tool.result', call_id: result.callId, tool: result.tool, result: result.result, ...(result.isError ? { is_error: true } : {}) });
  }

  /**
   * Reserve budget before a model call, so concurrent calls cannot overshoot together. What is not
   * estimated is reserved conservatively: the largest input and output so far, or the policy's
   * `budget.defaultInputTokens` / `defaultOutputTokens` before the first call. Unusable estimates
   * (NaN, negative, fractional) are refused with GUARD_ERROR.
   */
  async beforeModelCall(input: { model: string; estimatedInputTokens?: number; maxOutputTokens?: number }): Promise<ModelAdmission> {
    const throttledMs = await this.throttle();
    const { budget, usage } = this.state;
    const step = this.state.lastStep;
    const refuse = (action: Action, flags: Flag[]): ModelAdmission => ({ step, action, flags, proceed: false, refusal: buildRefusal(action, flags, 'Model call') });
    if (this.state.status === 'killed' || this.state.status === 'paused') {
      return refuse(this.state.status === 'killed' ? 'kill' : 'pause', [this.haltFlag(step)]);
    }
    if (this.state.escalating > 0) return refuse('pause', [this.escalatingFlag(step)]);
    // Estimates from outside are numbers to check, not to trust: NaN or -1 must not reserve nothing.
    const invalid = (['estimatedInputTokens', 'maxOutputTokens'] as const).filter((field) => input[field] !== undefined && !isTokenCount(input[field]));
    if (invalid.length > 0) {
      const detail = invalid.map((field) => `${field}=${String(input[field])}`).join(', ');
      return refuse('block', [{ code: AnomalyCode.GUARD_ERROR, step, message: `Model call estimate is unusable (${detail}): token counts must be finite non-negative integers.`, evidence: { stage: 'estimate', invalid: detail } }]);
    }
    // What is not estimated is reserved conservatively: the largest input and output seen so far, or
    // the policy's defaults before any call (capped at what remains, so a small budget can still start).
    // Every reservation is at least one token, so N concurrent admissions can never pass the cap together.
    const defaults = this.runtime.policy.budget;
    const largestInput = usage.largestInputTokens();
    const largestOutput = usage.largestOutputTokens();
    let inputTokens = input.estimatedInputTokens ?? largestInput ?? defaults.defaultInputTokens;
    let outputTokens = input.maxOutputTokens ?? largestOutput ?? defaults.defaultOutputTokens;
    const remaining = budget.maxTokens === undefined ? Number.POSITIVE_INFINITY : budget.maxTokens - budget.spent.tokens - budget.reserved.tokens;
    if (largestInput === undefined && input.estimatedInputTokens === undefined && input.maxOutputTokens === undefined && inputTokens + outputTokens > remaining) {
      inputTokens = Math.max(0, Math.min(inputTokens, remaining));
      outputTokens = Math.max(0, remaining - inputTokens);
    }
    if (inputTokens + outputTokens < 1) outputTokens = 1;
    const estimate = budget.charge(input.model, { inputTokens, outputTokens });
    const flags: Flag[] = [];
    if (budget.maxCostNano !== undefined && estimate.priced === false && !this.state.unpricedModels.has(input.model)) flags.push(unpricedFlag(input.model, step));
    if (flags.length === 0 && budget.fits(estimate)) {
      return { step, action: throttledMs > 0 ? 'throttle' : 'allow', flags: [], proceed: true, reservationId: budget.reserve(estimate).id, ...(throttledMs > 0 ? { throttledMs } : {}) };
    }
    if (!budget.fits(estimate)) {
      flags.push({
        code: AnomalyCode.BUDGET_EXCEEDED,
        step,
        message: `A model call of about ${estimate.tokens} tokens does not fit the session budget (${budget.spent.tokens} spent, ${budget.reserved.tokens} reserved).`,
        evidence: { estimate: estimate.tokens, spent: budget.spent.tokens, reserved: budget.reserved.tokens, limit: budget.maxTokens ?? null },
      });
    }
    const action = decide(flags, this.runtime.policy, undefined);
    const outcome = await this.resolve(action, flags, step);
    const decision: ModelAdmission = { step, action, flags, ...outcome };
    if (decision.proceed && flags.some((found) => found.code === AnomalyCode.MODEL_UNPRICED)) this.state.unpricedModels.add(input.model);
    // An approved admission still reserves its estimate, so concurrent admissions see it.
    if (decision.proceed) decision.reservationId = budget.reserve(estimate).id;
    else decision.refusal = buildRefusal(action, flags, 'Model call');
    return decision;
  }

  /**
   * While a burn-rate spike lasts under the `throttle` action, the next model call waits:
   * `initialDelayMs`, multiplied for each spiking call in a row, up to `maxDelayMs`. Replay never waits.
   */
  private async throttle(): Promise<number> {
    const level = this.state.throttleLevel;
    if (level === 0 || !this.runtime.live) return 0;
    const { initialDelayMs, multiplier, maxDelayMs } = this.runtime.policy.budget.throttle;
    const delayMs = Math.round(Math.min(maxDelayMs, initialDelayMs * multiplier ** (level - 1)));
    if (delayMs <= 0) return 0;
    this.runtime.emit('throttle', { sessionId: this.id, ...(this.sessionType !== undefined ? { sessionType: this.sessionType } : {}), delayMs, level });
    await this.runtime.sleep(delayMs);
    return delayMs;
  }

  /** Gives back a reservation whose model call failed: no phantom spend. */
  releaseModelCall(reservationId: string | undefined): void {
    this.state.budget.release(reservationId);
  }

  /**
   * Wraps a plain async tool so the guard runs around it. A refusal is returned as the tool's result
   * (never thrown), so the model can read it and recover.
   */
  wrapTool<A extends Record<string, unknown>, R>(name: string, tool: (args: A) => Promise<R> | R) {
    return async (args: A | string, callId?: string): Promise<R | Refusal> => {
      const id = callId ?? `call_${randomUUID()}`;
      const decision = await this.beforeToolCall({ tool: name, arguments: args, callId: id });
      if (!decision.proceed) return decision.refusal!;
      // Allowed by a lenient policy, but a tool cannot be called with arguments that are not an object.
      if (decision.arguments === undefined) return buildRefusal('block', decision.flags, `Call to ${name}`);
      // A kill that landed after the decision (an operator, another call) still wins.
      if (this.state.status === 'killed') return buildRefusal('kill', [this.haltFlag(decision.step)], `Call to ${name}`);
      let result: R;
      try {
        // Exactly what was checked: the frozen snapshot, not the caller's object.
        result = await tool(decision.arguments as A);
      } catch (error) {
        await this.afterToolCall({ callId: id, tool: name, result: { error: (error as Error)?.message ?? String(error) }, isError: true });
        throw error;
      }
      const checked = await this.afterToolCall({ callId: id, tool: name, result });
      return checked.proceed ? result : checked.refusal!;
    };
  }

  /**
   * Accepts tool definitions held back since they changed (or were added, or have a confusable name):
   * they replace the pinned ones from now on. All pending ones, or those named. Recorded, so replay agrees.
   */
  acceptDefinitions(names?: readonly string[]): Promise<Decision> {
    const wanted = names === undefined ? undefined : new Set(names);
    const tools = [...this.state.pendingDefinitions.entries()].filter(([name]) => wanted === undefined || wanted.has(name)).map(([, pending]) => pending.tool.definition);
    return this.ingest({ type: 'tool.definitions', tools, accepted: true });
  }

  /** Tool definitions awaiting acceptance, by name, with what changed. */
  pendingDefinitions(): Array<{ name: string; change: 'changed' | 'added' | 'confusable'; step: number }> {
    return [...this.state.pendingDefinitions.entries()].map(([name, pending]) => ({ name, change: pending.change, step: pending.step }));
  }

  /** Lift a pause: later calls are decided normally again. */
  resume(): void {
    if (this.state.status !== 'paused') return;
    this.state.status = 'active';
    this.state.haltedBy = undefined;
    this.runtime.emit('resume', { sessionId: this.id });
  }

  /** Refuse every further call in this session. */
  kill(reason = 'killed by operator'): void {
    this.state.status = 'killed';
    this.state.haltedBy ??= { step: this.state.lastStep, codes: [reason] };
    this.runtime.emit('kill', { sessionId: this.id, reason });
  }

  // ---- the core ------------------------------------------------------------

  /**
   * Feeds one event (live: without a step, which the session assigns; replay: with the trace's step)
   * through the checks and the policy, and returns the decision. Never throws for a finding.
   */
  async ingest(input: EventInput | TraceEvent, reservationId?: string): Promise<Decision> {
    if (input.type === 'session.start' && typeof input.session_type === 'string') this.adoptType(input.session_type);
    // Calls wait for a pending escalation's answer when the policy queues them (`halts.whileEscalating`).
    if (input.type === 'tool.call' && this.runtime.policy.halts.whileEscalating === 'queue') {
      while (this.state.escalating > 0) await this.escalationSettled();
    }
    // What is checked is what runs: arguments are snapshotted (bounded, frozen) before anything reads them.
    let argumentProblem: ArgumentProblem | undefined;
    let snapshot: unknown;
    if (input.type === 'tool.call') {
      const shot = snapshotArguments(input.arguments, this.runtime.policy.limits);
      argumentProblem = shot.problem;
      snapshot = shot.value;
      const recorded = shot.problem ? `[arguments not recorded: ${shot.problem.detail}]` : (shot.recorded as ToolCallInput['arguments']);
      input = { ...input, arguments: recorded };
    }
    const event = this.place(input);
    const written = this.runtime.record(event);
    if (event.type === 'guard.decision') return { step: event.step, action: 'allow', flags: [], proceed: true, ignored: true };
    // A result of a call the guard refused (replay of a trace recorded without it) is still checked,
    // but the model would never have seen it, so nothing in it enters the session's state.
    const ofRefusedCall = event.type === 'tool.result' && this.state.refusedCallIds.delete(event.call_id);
    const context = this.contextFor(event, argumentProblem);
    const found = runChecks(this.runtime.checks, event, context, this.runtime.policy.checkTimeoutMs);
    const flags = Array.isArray(found) ? found : await found;
    if (!written && (event.type === 'tool.call' || event.type === 'tool.result')) {
      // A call the trace cannot show must not run (policy `onRecordError`).
      flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The ${event.type} could not be written to the trace.`, step: event.step, evidence: { stage: 'record' } });
    }
    const tool = 'tool' in event && typeof event.tool === 'string' ? this.state.tools.get(event.tool) : undefined;
    let action = decide(flags, this.runtime.policy, tool);
    const halted = this.state.status === 'paused' || this.state.status === 'killed';
    // While paused or after a kill, calls are refused and content (results, model output, subagent output) withheld.
    // (A result of a call the guard refused is already the model's to never see: it needs no halt flag.)
    const standing = (halted && HALTABLE.has(event.type) && !ofRefusedCall) || (event.type === 'tool.call' && this.state.escalating > 0);
    if (standing) {
      flags.push(halted ? this.haltFlag(event.step) : this.escalatingFlag(event.step));
      action = moreSevere(action, this.state.status === 'killed' ? 'kill' : 'pause');
    }
    if (!ofRefusedCall) {
      try {
        applyEvent(this.state, event, context, flags, action, this.runtime.policy, this.pendingCalls, reservationId);
      } catch (error) {
        // The session's state could not take the event: fail closed (or open, if the policy says so).
        flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The guard could not record this ${event.type}: ${(error as Error)?.message ?? String(error)}.`, step: event.step, evidence: { stage: 'commit' } });
        action = moreSevere(action, decide(flags, this.runtime.policy, tool));
      }
    }
    const outcome: Pick<Decision, 'proceed' | 'escalation'> = standing ? { proceed: false } : await this.resolve(action, flags, event.step);
    // Kill wins over any answer that arrived after it.
    if (outcome.proceed && this.state.status === 'killed') {
      outcome.proceed = false;
      if (outcome.escalation === 'approved') outcome.escalation = 'killed';
      flags.push(this.haltFlag(event.step));
      action = 'kill';
    }
    if (event.type === 'tool.definitions' && outcome.escalation === 'approved') this.acceptFlagged(flags);
    const decision: Decision = { step: event.step, action, flags, ...outcome };
    if (decision.proceed && event.type === 'tool.call' && snapshot !== null && typeof snapshot === 'object' && !Array.isArray(snapshot)) {
      decision.arguments = snapshot as Readonly<Record<string, unknown>>;
    }
    if (!decision.proceed && (event.type === 'tool.call' || event.type === 'tool.result' || event.type === 'subagent.output' || event.type === 'context.add' || event.type === 'llm.call')) {
      if (event.type === 'tool.call') this.state.refuseCall(event.call_id);
      decision.refusal = buildRefusal(action, flags, describe(event));
    }
    this.report(event, decision);
    return decision;
  }

  /** A session's type is set by its start: a fresh session moves under the type's policy. */
  private adoptType(type: string): void {
    if (this.sessionType !== undefined || this.state.lastStep >= 0) return;
    this.sessionType = type;
    const typed = this.runtime.forType(type);
    if (typed === this.runtime) return;
    this.runtime = typed;
    this.state = new SessionState(this.state.id, typed.policy, typed.tools);
  }

  private place(input: EventInput | TraceEvent): TraceEvent {
    const step = input.step ?? this.state.lastStep + 1;
    if (step <= this.state.lastStep) {
      throw new RangeError(`step ${step} is not after step ${this.state.lastStep} of session ${this.id}`);
    }
    this.state.lastStep = step;
    const event = { session_id: this.id, step, ...input } as TraceEvent;
    event.session_id = this.id;
    event.step = step;
    if (event.ts === undefined && this.runtime.live) event.ts = new Date(this.runtime.clock()).toISOString();
    return event;
  }

  /** Definitions a human approved through the escalation handler take effect at once. */
  private acceptFlagged(flags: readonly Flag[]): void {
    for (const found of flags) {
      const name = found.code === AnomalyCode.TOOL_DEFINITION_CHANGED ? found.evidence?.tool : undefined;
      const pending = typeof name === 'string' ? this.state.pendingDefinitions.get(name) : undefined;
      if (!pending || typeof name !== 'string') continue;
      this.state.pendingDefinitions.delete(name);
      this.state.tools.set(name, pending.tool);
      this.state.learnToolShapes(pending.tool);
    }
  }

  /** Resolves when no escalation of this session is waiting for an answer. */
  private escalationSettled(): Promise<void> {
    return new Promise((resolve) => this.escalationWaiters.push(resolve));
  }

  private contextFor(event: TraceEvent, argumentProblem?: ArgumentProblem): CheckContext {
    const runtime = this.runtime;
    const state = this.state;
    let prepared: PreparedCall | undefined;
    let scanned: ContentScan | undefined;
    const at = event.ts === undefined ? undefined : Date.parse(event.ts);
    return {
      policy: runtime.policy,
      state,
      injection: runtime.injection,
      resolvers: runtime.resolvers,
      entityPatterns: runtime.entityPatterns,
      at: at === undefined || Number.isNaN(at) ? undefined : at,
      toolPolicy: (tool) => runtime.policy.tools[tool],
      call: () => {
        if (event.type !== 'tool.call') throw new TypeError(`call() read on a ${event.type} event`);
        // Arguments past a structure limit are never walked: the snapshot already named the problem.
        prepared ??= argumentProblem
          ? { tool: state.tools.get(event.tool), arguments: undefined, problem: argumentProblem, canonical: canonicalArguments({}, 1), references: [], echoTokens: new Set() }
          : prepareCall(event, state.tools.get(event.tool), runtime.policy.tools[event.tool], runtime.policy, runtime.entityPatterns);
        return prepared;
      },
      content: () => {
        scanned ??= scanContent(contentOf(event), {
          watchedKeys: event.type === 'tool.result' ? state.sessionEntities : NO_KEYS,
          injection: runtime.injection,
          maxDepth: runtime.policy.limits.maxDepth,
          maxTokens: runtime.policy.limits.ledgerSize,
        });
        return scanned;
      },
      subagentSchema: (output: SubagentOutputEvent) => runtime.subagentSchema(output, state),
    };
  }

  /** Turns pause into a human's answer (or a refusal when no one is there), and kill into a stopped session. */
  private async resolve(action: Action, flags: readonly Flag[], step: number): Promise<Pick<Decision, 'proceed' | 'escalation'>> {
    if (action === 'kill') {
      this.halt('killed', step, flags);
      return { proceed: false };
    }
    if (action !== 'pause') return { proceed: !NON_PROCEEDING.has(action) };
    const escalate = this.runtime.escalate;
    if (!escalate) {
      this.halt('paused', step, flags);
      return { proceed: false, escalation: 'unavailable' };
    }
    let timer: NodeJS.Timeout | undefined;
    this.state.escalating += 1;
    try {
      const answer = await Promise.race([
        Promise.resolve().then(() => escalate({ sessionId: this.id, step, flags: [...flags] })),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.runtime.policy.escalationTimeoutMs);
          timer.unref?.();
        }),
      ]);
      // Only exactly 'approve' approves; a kill that landed while waiting wins over it.
      if (answer === 'approve' && this.state.status !== 'killed') return { proceed: true, escalation: 'approved' };
      if (answer === 'approve') return { proceed: false, escalation: 'killed' };
      if (answer === 'kill') {
        this.halt('killed', step, flags);
        return { proceed: false, escalation: 'killed' };
      }
      this.halt('paused', step, flags);
      return { proceed: false, escalation: answer === 'timeout' ? 'timeout' : 'denied' };
    } catch {
      this.halt('paused', step, flags);
      return { proceed: false, escalation: 'failed' };
    } finally {
      clearTimeout(timer);
      this.state.escalating -= 1;
      if (this.state.escalating === 0) for (const wake of this.escalationWaiters.splice(0)) wake();
    }
  }

  private halt(status: 'paused' | 'killed', step: number, flags: readonly Flag[]): void {
    if (this.state.status === 'killed') return;
    const wasActive = this.state.status !== status;
    this.state.status = status;
    this.state.haltedBy = { step, codes: [...new Set(flags.map((flag) => flag.code))] };
    if (wasActive) this.runtime.emit(status === 'paused' ? 'pause' : 'kill', { sessionId: this.id, step, flags: [...flags] });
  }

  private escalatingFlag(step: number): Flag {
    return {
      code: AnomalyCode.SESSION_PAUSED,
      message: 'A human is being asked about another call of this session; other calls are refused until they answer (halts.whileEscalating).',
      step,
      evidence: { escalating: true },
    };
  }

  private haltFlag(step: number): Flag {
    const halted = this.state.haltedBy ?? { step, codes: [] };
    const killed = this.state.status === 'killed';
    return {
      code: killed ? AnomalyCode.SESSION_KILLED : AnomalyCode.SESSION_PAUSED,
      message: `Session was ${killed ? 'killed' : 'paused'} at step ${halted.step}${halted.codes.length ? ` (${halted.codes.join(', ')})` : ''}${killed ? '' : '; it stays paused until someone resumes it'}.`,
      step,
      evidence: { haltedAt: halted.step, codes: halted.codes },
    };
  }


  private alert(kind: BudgetAlert['kind'], flag: Flag, event: TraceEvent): void {
    const { budget, usage, topSteps } = this.state;
    const evidence = flag.evidence ?? {};
    const at = event.ts === undefined ? NaN : Date.parse(event.ts);
    const alert: BudgetAlert = {
      sessionId: this.id,
      kind: flag.code === AnomalyCode.BUDGET_ALERT && (evidence.metric === 'cost' || evidence.metric === 'tokens') ? evidence.metric : kind,
      step: flag.step,
      message: flag.message,
      spent: { tokens: budget.spent.tokens, costUsd: budget.spent.costNano / 1e9 },
      tokensPerMinute: Number.isNaN(at) ? null : Math.round(usage.ratePerMinute(at) ?? 0),
      topSteps: topSteps.map((entry) => ({ ...entry })),
      at: Number.isNaN(at) ? new Date(this.runtime.clock()).toISOString() : new Date(at).toISOString(),
    };
    if (this.sessionType !== undefined) alert.sessionType = this.sessionType;
    if (typeof evidence.level === 'number') alert.level = evidence.level;
    this.runtime.emit('alert', alert);
  }

  private report(event: TraceEvent, decision: Decision): void {
    for (const flag of decision.flags) {
      this.runtime.emit('flag', { sessionId: this.id, flag });
      const kind = ALERTING[flag.code];
      // A spike alerts once, when it begins; its later calls are on the trace, not on the pager.
      const repeatedSpike = flag.code === AnomalyCode.BURN_RATE_SPIKE && this.state.spikeStartStep !== event.step;
      if (kind !== undefined && !repeatedSpike) this.alert(kind, flag, event);
    }
    const decided = event.type === 'tool.call' || event.type === 'tool.result' || decision.flags.length > 0;
    if (!decided) return;
    this.runtime.emit('decision', { sessionId: this.id, event, decision });
    if (this.runtime.live) {
      const record: EventInput<GuardDecisionEvent> = { type: 'guard.decision', target_step: decision.step, action: decision.action, flags: decision.flags };
      this.runtime.record(this.place(record));
    }
  }
}

/** Flags that are also operator alerts (an `alert` event), by alert kind. */
const ALERTING: Readonly<Record<string, BudgetAlert['kind']>> = {
  [AnomalyCode.BUDGET_ALERT]: 'cost',
  [AnomalyCode.STEP_BUDGET_EXCEEDED]: 'step',
  [AnomalyCode.BURN_RATE_SPIKE]: 'burn_rate',
};

function contentOf(event: TraceEvent): unknown {
  switch (event.type) {
    case 'tool.result':
      return event.result;
    case 'subagent.output':
    case 'context.add':
      return event.content;
    default:
      return undefined;
  }
}

function describe(event: TraceEvent): string {
  switch (event.type) {
    case 'tool.call':
      return `Call to ${event.tool}`;
    case 'tool.result':
      return `Result of ${event.tool}`;
    case 'subagent.output':
      return event.agent ? `Output of subagent ${event.agent}` : 'Subagent output';
    case 'context.add':
      return `Content from ${event.source}`;
    case 'llm.call':
      return 'Model output';
    default:
      return 'Event';
  }
}
