import { randomUUID } from 'node:crypto';
import type {
  EventInput,
  Flag,
  GuardDecisionEvent,
  MessageRole,
  ModelToolCall,
  SessionEndEvent,
  TraceEvent,
} from './trace/events.js';
import { AnomalyCode, moreSevere } from './codes.js';
import { decide, runChecks } from './pipeline.js';
import { buildRefusal, refusalSubject, type Refusal } from './refusal.js';
import { SessionState, type DefinitionChange, type SessionStatus } from './state/session-state.js';
import { createSessionView, type SessionView } from './state/session-view.js';
import { applyEvent } from './state/apply-event.js';
import { isoTime } from './trace/iso-time.js';
import { buildCheckContext, scanEventContent, unreadableContentFlag } from './session/check-context.js';
import { escalationsSettled, haltFlag, killSession, killWins, resolveAction, resumeSession, standingHalt } from './session/halts.js';
import { acceptanceOf, acceptPending, actionOfFlag, approvedDefinitions } from './session/pins.js';
import { snapshotArguments, type ArgumentProblem } from './state/argument-snapshot.js';
import { admitModelCall, type ModelCallEstimate } from './session/model-admission.js';
import type { BudgetAlert, GuardRuntime } from './runtime.js';
import { toToolDefinition, type ToolDefinitionLike } from './tool-definition.js';
import { errorResult, guardToolCall, isError, openToolCall, type ToolCallHost, type ToolCallOptions, type ToolCallOutcome, type ToolCallTicket } from './protocol/tool-call.js';
import { guardModelCall, openModelCall, type ModelCallHost, type ModelCallOutcome, type ModelCallTicket, type ModelOutput, type ModelRequestInput } from './protocol/model-call.js';
import type { Decision, ModelAdmission, ModelCallInput, ToolCallInput, ToolResultInput } from './decision.js';
import { SharedSession, type SessionReplica } from './session/shared-session.js';
import type { SessionLog } from './state/session-log.js';

export type { Decision, ModelAdmission, ToolCallInput, ToolResultInput, ModelCallInput } from './decision.js';
export { withheldAnswer } from './decision.js';

/** A session's spend: booked model usage, and budget held by model calls in flight. */
export interface SessionSpend {
  tokens: number;
  costUsd: number;
  reserved: { tokens: number; costUsd: number };
  /** Model calls admitted and not yet recorded or released. */
  openReservations: number;
}

/** Package-internal: the guard records events of its own (its tool definitions) in a session's trace. Not exported from the package. */
export const RECORD_OWN = Symbol('agent-warden.recordOwn');


/**
 * One agent run under the guard. Feed it what happens; ask it before each tool call.
 * State changes for an event are made synchronously with its decision, so concurrent calls in one
 * session see each other (a reservation, a loop count) in order.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * await session.message('user', 'Did order ord_1001 ship?');
 * const outcome = await session.guardToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } }, getOrder);
 * console.log(outcome.refusal ?? outcome.value, session.status, session.spend.tokens);
 */
export class GuardSession {
  private state: SessionState;
  private view: SessionView;
  private runtime: GuardRuntime;
  private sessionType: string | undefined;
  private placedTs: string | undefined;
  private placedAt = 0;
  /** What the call protocols drive: made on first use, so sessions that never use them pay nothing. */
  private protocolHost: (ToolCallHost & ModelCallHost) | undefined;
  /** The session's replica of a shared log, when its store is shared across processes (Redis). */
  private readonly shared: SharedSession | undefined;

  /** `log`: the session's log in a shared store; the session then decides on a replica of it. */
  constructor(id: string, runtime: GuardRuntime, log?: SessionLog) {
    this.runtime = runtime;
    this.state = new SessionState(id, runtime.policy, runtime.tools);
    this.view = createSessionView(this.state);
    if (log) this.shared = new SharedSession(this.replica(), log);
  }

  get id(): string {
    return this.state.id;
  }

  /** The session's type, from `startSession({ type })` or its trace's `session.start`. */
  get type(): string | undefined {
    return this.sessionType;
  }

  /** `active`, `paused` (until `resume()`), `killed`, or `ended`. */
  get status(): SessionStatus {
    return this.state.status;
  }

  /** The last trace step of the session (-1 before its start event). */
  get step(): number {
    return this.state.lastStep;
  }

  /**
   * What the session has spent, and what concurrent model calls hold reserved, in tokens and US dollars.
   * @example
   * if (session.spend.tokens > 50_000) console.warn('expensive session', session.id);
   */
  get spend(): SessionSpend {
    const { spent, reserved, openReservations } = this.state.budget;
    return { tokens: spent.tokens, costUsd: spent.costNano / 1e9, reserved: { tokens: reserved.tokens, costUsd: reserved.costNano / 1e9 }, openReservations };
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
    return this.ingest({ type: 'subagent.output', content: isError(content) ? errorResult(content) : content, ...(options.callId ? { call_id: options.callId } : {}), ...(options.agent ? { agent: options.agent } : {}) });
  }

  contextAdd(source: string, content: unknown): Promise<Decision> {
    return this.ingest({ type: 'context.add', source, content: isError(content) ? errorResult(content) : content });
  }

  goalUpdate(goal: string, source: string): Promise<Decision> {
    return this.ingest({ type: 'goal.update', goal, source });
  }

  end(status: SessionEndEvent['status'] = 'completed', output?: unknown): Promise<Decision> {
    return this.ingest({ type: 'session.end', status, ...(output !== undefined ? { output } : {}) });
  }

  /** Ask before running a tool. A refused call comes with `refusal`, the structured error to give the model. */
  beforeToolCall(call: ToolCallInput): Promise<Decision> {
    // Replicas of a shared session can be at the same step: their generated ids must not collide.
    const callId = call.callId ?? (this.shared ? `call_${randomUUID()}` : `call_${this.state.lastStep + 1}`);
    return this.ingest({ type: 'tool.call', call_id: callId, tool: call.tool, arguments: call.arguments });
  }

  /** Report a tool's answer; a result that must be withheld from the model comes back with `proceed: false`. */
  afterToolCall(result: ToolResultInput): Promise<Decision> {
    // A thrown Error handed over as the result is read as what the model is shown of it: its message.
    const failed = isError(result.result);
    return this.ingest({ type: 'tool.result', call_id: result.callId, tool: result.tool, result: failed ? errorResult(result.result) : result.result, ...(result.isError || failed ? { is_error: true } : {}) });
  }

  /**
   * Reserve budget before a model call, so concurrent calls cannot overshoot together. What is not
   * estimated is reserved conservatively: the largest input and output so far, or the policy's
   * `budget.defaultInputTokens` / `defaultOutputTokens` before the first call. Unusable estimates
   * (NaN, negative, fractional) are refused with GUARD_ERROR.
   */
  async beforeModelCall(input: ModelCallEstimate): Promise<ModelAdmission> {
    const throttledMs = await this.throttle();
    if (this.shared) return this.shared.admit(input, throttledMs);
    return admitModelCall(this.state, this.runtime, input, throttledMs);
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
    if (this.shared) return this.shared.release(reservationId);
    this.state.budget.release(reservationId);
  }

  /**
   * The whole tool-call sequence in one call: the guard decides, `run` gets the checked arguments (a
   * deep, frozen snapshot: what was checked is what runs) if the call may run, its result (or, if it throws, an error result) is recorded and checked. A refusal
   * comes back as `outcome.refusal`, never as an exception; the tool's own error is rethrown.
   * @example
   * const outcome = await session.guardToolCall({ callId, tool: 'get_order', arguments }, (args) => getOrder(args));
   * return outcome.refusal ?? outcome.value;
   */
  guardToolCall<R>(call: ToolCallInput, run: (args: Readonly<Record<string, unknown>>) => PromiseLike<R> | R, options?: ToolCallOptions<R>): Promise<ToolCallOutcome<R>> {
    return guardToolCall(this.protocolOf(), call, run, options);
  }

  /**
   * The tool-call sequence for frameworks whose hooks split a call (a guardrail before it runs, another
   * after): decides the call once; finish the ticket with the tool's value, or fail it with its error.
   */
  openToolCall(call: ToolCallInput, options?: Omit<ToolCallOptions, 'resultOf'>): Promise<ToolCallTicket> {
    return openToolCall(this.protocolOf(), call, options);
  }

  /**
   * The whole model-call sequence in one call: new user and system messages fed, budget reserved with an
   * estimate, `run` called if admitted (its reservation released if it throws), the output recorded, and
   * a final answer naming an invented id reported as `withheld`.
   * @example
   * const outcome = await session.guardModelCall({ model: 'gpt-4o', messages, feed }, () => client.chat(request), toModelOutput);
   * if (outcome.refusal) return refusalText(outcome.refusal);
   */
  guardModelCall<R>(request: ModelRequestInput, run: () => PromiseLike<R> | R, outputOf: (value: R) => ModelOutput): Promise<ModelCallOutcome<R>> {
    return guardModelCall(this.protocolOf(), request, run, outputOf);
  }

  /** The model-call sequence for streams: admitted once; finish the ticket with the output, or fail it to release the budget. */
  openModelCall(request: ModelRequestInput): Promise<ModelCallTicket> {
    return openModelCall(this.protocolOf(), request);
  }

  /**
   * Wraps a plain async tool so the guard runs around it. The tool gets the frozen snapshot of the
   * arguments the guard checked. A refusal is returned as the tool's result (never thrown), so the
   * model can read it and recover.
   */
  wrapTool<A extends Record<string, unknown>, R>(name: string, tool: (args: A) => Promise<R> | R) {
    return async (args: A | string, callId?: string): Promise<R | Refusal> => {
      const outcome = await this.guardToolCall({ tool: name, arguments: args, ...(callId !== undefined ? { callId } : {}) }, (checked) => tool(checked as A));
      return outcome.refusal ?? (outcome.value as R);
    };
  }

  /** Records an event without deciding it (the guard's own tool definitions, already registered), at the next step. */
  [RECORD_OWN](input: EventInput, start?: Decision): void {
    if (this.shared) return this.shared.recordOwn(input, start?.step);
    this.runtime.record(this.place(input));
  }

  /** What a shared session reads and replaces of this one. */
  private replica(): SessionReplica {
    const session = this;
    return {
      id: this.id,
      get state() {
        return session.state;
      },
      get view() {
        return session.view;
      },
      get runtime() {
        return session.runtime;
      },
      reset() {
        session.state = new SessionState(session.id, session.runtime.policy, session.runtime.tools);
        session.view = createSessionView(session.state);
      },
      adoptType: (type) => this.adoptType(type),
      report: (event, decision, recordStep) => this.report(event, decision, recordStep),
    };
  }

  private protocolOf(): ToolCallHost & ModelCallHost {
    this.protocolHost ??= {
      beforeToolCall: (call) => this.beforeToolCall(call),
      afterToolCall: (result) => this.afterToolCall(result),
      subagentOutput: (content, options) => this.subagentOutput(content, options),
      resume: () => this.resume(),
      killedSince: (subject) => (this.state.status === 'killed' ? buildRefusal('kill', [haltFlag(this.state, this.state.lastStep)], subject) : undefined),
      message: (role, content) => this.message(role, content),
      beforeModelCall: (input) => this.beforeModelCall(input),
      modelCall: (input) => this.modelCall(input),
      releaseModelCall: (reservationId) => this.releaseModelCall(reservationId),
      // What the session reserves for a call it is told nothing about: the largest input so far.
      defaultInputTokens: () => this.state.usage.largestInputTokens(),
      failsOpen: () => this.runtime.policy.onCheckError === 'allow',
    };
    return this.protocolHost;
  }

  /**
   * Accepts tool definitions held back since they changed (or were added, or have a confusable name):
   * they replace the pinned ones from now on. All pending ones, or those named. Recorded, so replay agrees.
   * @example
   * if (session.pendingDefinitions().length > 0 && (await reviewer.approves(session.pendingDefinitions()))) await session.acceptDefinitions();
   */
  acceptDefinitions(names?: readonly string[]): Promise<Decision> {
    // A shared session accepts what is pending once its replica is current, not what it knew before.
    if (this.shared) return this.shared.ingest((state) => acceptanceOf(state, names), undefined);
    return this.ingest(acceptanceOf(this.state, names));
  }

  /**
   * How many tool names the session keeps: defined, or held back for acceptance. At most `limits.maxTools`:
   * a list naming new tools past it drops them (`TOOL_LIMIT_EXCEEDED`).
   */
  get toolCount(): number {
    return this.state.keptToolCount;
  }

  /** Tool definitions awaiting acceptance, by name, with what changed. */
  pendingDefinitions(): Array<{ name: string; change: DefinitionChange; step: number }> {
    return [...this.state.pendingDefinitions.entries()].map(([name, pending]) => ({ name, change: pending.change, step: pending.step }));
  }

  /**
   * Tools held back because their definitions carry instructions aimed at the model (tool poisoning,
   * `change: injection`): leave them out of the tools a model call is shown (`shownTools` does).
   */
  poisonedTools(): ReadonlySet<string> {
    const poisoned = new Set<string>();
    for (const [name, pending] of this.state.pendingDefinitions) if (pending.change === 'injection') poisoned.add(name);
    return poisoned;
  }

  /**
   * The tools a model call may be shown: `tools` (each named by its `name`) without those held back for
   * tool poisoning (`poisonedTools()`) and, once a list went past `limits.maxTools`, without those the
   * session does not keep; the same array when none of them is left out. The adapters filter with it.
   */
  shownTools<T>(tools: readonly T[]): readonly T[] {
    // Once a list went past limits.maxTools, only the tools the session keeps are shown: the dropped ones were
    // never read for poisoning, and their calls are refused.
    const bounded = this.state.droppedToolCount > 0;
    if (tools.length === 0 || (this.state.pendingDefinitions.size === 0 && !bounded)) return tools;
    const poisoned = this.poisonedTools();
    const held = (tool: T) => {
      const name = (tool as { name?: unknown }).name;
      return typeof name === 'string' && (poisoned.has(name) || (bounded && !this.state.keepsTool(name)));
    };
    return (poisoned.size === 0 && !bounded) || !tools.some(held) ? tools : tools.filter((tool) => !held(tool));
  }

  /** Lift a pause: later calls are decided normally again. */
  resume(): void {
    this.shared?.publish('resume');
    resumeSession(this.state, this.runtime);
  }

  /** Refuse every further call in this session. */
  kill(reason = 'killed by operator'): void {
    killSession(this.state, this.runtime, reason);
    this.shared?.publish('kill', this.state.haltedBy);
  }

  // ---- the core ------------------------------------------------------------

  /**
   * Feeds one event (live: without a step, which the session assigns; replay: with the trace's step)
   * through the checks and the policy, and returns the decision. Never throws for a finding.
   */
  async ingest(input: EventInput | TraceEvent, reservationId?: string): Promise<Decision> {
    if (input.type === 'session.start' && typeof input.session_type === 'string') this.adoptType(input.session_type);
    // Calls wait for a pending escalation's answer when the policy queues them (`halts.whileEscalating`).
    // (A shared session also waits for questions other processes opened.)
    if (input.type === 'tool.call' && this.state.escalating > 0 && this.runtime.policy.halts.whileEscalating === 'queue') await escalationsSettled(this.state);
    // What is checked is what runs: arguments are snapshotted (bounded, frozen) before anything reads them.
    let argumentProblem: ArgumentProblem | undefined;
    let snapshot: unknown;
    let recorded: ToolCallInput['arguments'] | undefined;
    if (input.type === 'tool.call') {
      const shot = snapshotArguments(input.arguments, this.runtime.policy.limits);
      argumentProblem = shot.problem;
      snapshot = shot.value;
      recorded = shot.problem ? `[arguments not recorded: ${shot.problem.detail}]` : (shot.recorded as ToolCallInput['arguments']);
      // A shared session takes the input as it is; here the event placed next takes the recorded arguments.
      if (this.shared) input = { ...input, arguments: recorded };
    }
    if (this.shared) {
      // A shared session decides on its replica of the store's log; the snapshot goes with what runs, as here.
      const decision = await this.shared.ingest(input, reservationId, argumentProblem);
      if (input.type === 'tool.call') withSnapshot(decision, snapshot);
      return decision;
    }
    const event = this.place(input);
    if (event.type === 'tool.call') event.arguments = recorded!;
    const written = this.runtime.record(event);
    if (event.type === 'guard.decision') return { step: event.step, action: 'allow', flags: [], proceed: true, ignored: true };
    // A result of a call the guard refused (replay of a trace recorded without it) is still checked,
    // but the model would never have seen it, so nothing in it enters the session's state.
    const ofRefusedCall = event.type === 'tool.result' && this.state.forgetRefusal(event.call_id);
    // Large content is scanned in slices with yields between them; small content stays synchronous.
    const sliced = scanEventContent(event, this.state, this.runtime);
    const scan = sliced instanceof Promise ? await sliced : sliced;
    const at = event.ts === undefined ? undefined : this.placedTs === event.ts ? this.placedAt : Date.parse(event.ts);
    const context = buildCheckContext(event, this.state, this.view, this.runtime, { at, scan, argumentProblem });
    const found = runChecks(this.runtime.checks, event, context, this.runtime.policy.checkTimeoutMs);
    const flags = Array.isArray(found) ? found : await found;
    const unreadable = unreadableContentFlag(event, scan);
    if (unreadable) flags.push(unreadable);
    // A large event is written while it is scanned (both in slices); its outcome counts from here.
    const wasWritten = written instanceof Promise ? await written : written;
    if (!wasWritten && (event.type === 'tool.call' || event.type === 'tool.result')) {
      // A call the trace cannot show must not run (policy `onRecordError`).
      flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The ${event.type} could not be written to the trace.`, step: event.step, evidence: { stage: 'record' } });
    }
    const tool = 'tool' in event && typeof event.tool === 'string' ? this.state.tools.get(event.tool) : undefined;
    let action = decide(flags, this.runtime.policy, tool);
    // A halted session refuses calls and withholds content; while a human is asked, other calls are refused (or were queued above).
    const standing = standingHalt(this.state, event, ofRefusedCall, this.state.escalating > 0);
    if (standing) {
      flags.push(standing.flag);
      action = moreSevere(action, standing.action);
    }
    if (!ofRefusedCall) {
      try {
        applyEvent(this.state, event, context, flags, action, this.runtime.policy, reservationId, actionOfFlag(this.state, this.runtime.policy));
      } catch (error) {
        // The session's state could not take the event: fail closed (or open, if the policy says so).
        flags.push({ code: AnomalyCode.GUARD_ERROR, message: `The guard could not record this ${event.type}: ${(error as Error)?.message ?? String(error)}.`, step: event.step, evidence: { stage: 'commit' } });
        action = moreSevere(action, decide(flags, this.runtime.policy, tool));
      }
    }
    const resolved = standing ? { proceed: false } : resolveAction(this.state, this.runtime, action, flags, event.step);
    const outcome: Pick<Decision, 'proceed' | 'escalation'> = resolved instanceof Promise ? await resolved : resolved;
    action = killWins(this.state, outcome, flags, event.step, action);
    // Definitions a human approved through the escalation handler take effect at once.
    if (event.type === 'tool.definitions' && outcome.escalation === 'approved') acceptPending(this.state, approvedDefinitions(this.state, flags));
    const decision: Decision = { step: event.step, action, flags, ...outcome };
    if (event.type === 'tool.call') withSnapshot(decision, snapshot);
    if (!decision.proceed && (event.type === 'tool.call' || event.type === 'tool.result' || event.type === 'subagent.output' || event.type === 'context.add' || event.type === 'llm.call')) {
      if (event.type === 'tool.call') this.state.refuseCall(event.call_id);
      decision.refusal = buildRefusal(action, flags, refusalSubject(event));
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
    this.view = createSessionView(this.state);
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
    if (event.ts === undefined && this.runtime.live) {
      const now = this.runtime.clock();
      event.ts = isoTime(now);
      // The time is known: checks read it without parsing the text back.
      this.placedTs = event.ts;
      this.placedAt = now;
    }
    return event;
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

  /** `recordStep`: the step a shared session held for the decision record. */
  private report(event: TraceEvent, decision: Decision, recordStep?: number): void {
    for (const flag of decision.flags) {
      this.runtime.emit('flag', { sessionId: this.id, flag });
      const kind = Object.hasOwn(ALERTING, flag.code) ? ALERTING[flag.code] : undefined;
      // A spike alerts once, when it begins; its later calls are on the trace, not on the pager.
      const repeatedSpike = flag.code === AnomalyCode.BURN_RATE_SPIKE && this.state.spikeStartStep !== event.step;
      if (kind !== undefined && !repeatedSpike) this.alert(kind, flag, event);
    }
    const decided = event.type === 'tool.call' || event.type === 'tool.result' || decision.flags.length > 0;
    if (!decided) return;
    this.runtime.emit('decision', { sessionId: this.id, event, decision });
    if (this.runtime.live) {
      // Nowhere to write it: the decision record's step is taken (steps stay what a recorded session has), nothing is built.
      if (!this.runtime.recording && recordStep === undefined) {
        // The clock is read as for a record (a test's clock may count its reads; one that fails, fails here too).
        isoTime(this.runtime.clock());
        this.state.lastStep += 1;
        return;
      }
      const record: EventInput<GuardDecisionEvent> = { type: 'guard.decision', target_step: decision.step, action: decision.action, flags: decision.flags };
      this.runtime.record(recordStep === undefined ? this.place(record) : ({ ...record, session_id: this.id, step: recordStep, ts: isoTime(this.runtime.clock()) } as TraceEvent));
    }
  }
}

/** The snapshot goes with a call that runs, or one that waits for a framework's own approval. */
function withSnapshot(decision: Decision, snapshot: unknown): void {
  const waits = decision.action === 'pause' && decision.escalation === 'unavailable';
  if ((decision.proceed || waits) && snapshot !== null && typeof snapshot === 'object' && !Array.isArray(snapshot)) decision.arguments = snapshot as Readonly<Record<string, unknown>>;
}

/** Flags that are also operator alerts (an `alert` event), by alert kind. */
const ALERTING: Readonly<Record<string, BudgetAlert['kind']>> = {
  [AnomalyCode.BUDGET_ALERT]: 'cost',
  [AnomalyCode.STEP_BUDGET_EXCEEDED]: 'step',
  [AnomalyCode.BURN_RATE_SPIKE]: 'burn_rate',
};
