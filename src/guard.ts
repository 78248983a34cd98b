import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { SessionStartEvent, SubagentOutputEvent, ToolDefinition, TraceEvent } from './trace/events.js';
import { isResolvedPolicy, policyForSessionType, resolvePolicy, type Policy, type PolicyDocument } from './policy/policy.js';
import { BUILT_IN_CHECKS, type Check } from './checks/index.js';
import { indexChecks } from './pipeline.js';
import { createInjectionScanner, type InjectionDetector } from './text/injection.js';
import { compileEntityPatterns } from './checks/entity-patterns.js';
import { poisoningIn } from './checks/definition-injection.js';
import { registerTool, type RegisteredTool } from './state/tool-registry.js';
import { compileToolSchema, type ArgumentValidator } from './schema/compile.js';
import { GuardSession, RECORD_OWN, type Decision } from './session.js';
import { METADATA_KEY } from './state/apply-event.js';
import type { ProvenanceMode } from './state/session-state.js';
import { createMemoryStore, type SessionStore } from './store.js';
import type { BudgetAlert, EntityResolver, EscalationHandler, GuardEvents, GuardRuntime } from './runtime.js';
import type { TraceSink } from './trace/sink.js';

export type { TraceSink } from './trace/sink.js';
import { toToolDefinition, type ToolDefinitionLike } from './tool-definition.js';

/** How a guard is configured: policy, tools, resolvers, escalation, sink, store and checks of your own. */
export interface GuardOptions {
  /** A policy document (validated) or a resolved policy. Defaults apply to whatever is left out. */
  policy?: PolicyDocument | Policy;
  /** Tool definitions every session starts with (trace shape, or MCP's `inputSchema` shape). */
  tools?: ToolDefinitionLike[];
  /** Existence checks for session-start entities, by entity kind. */
  resolvers?: Record<string, EntityResolver>;
  /** Asked when a finding pauses a session. Without one, a pause is an immediate refusal. */
  escalate?: EscalationHandler;
  /** Declared output schemas of subagents, by agent name. */
  subagents?: Record<string, { outputSchema: Record<string, unknown> }>;
  /** Receives every event and decision as trace v1 events. */
  sink?: TraceSink;
  store?: SessionStore;
  clock?: () => number;
  /**
   * Second opinions on content (a model-based classifier, another library), run with the
   * policy's `injection.detectorTimeoutMs` and `injection.detectorFailure`. See docs/checks.md.
   */
  injectionDetectors?: InjectionDetector[];
  /** Checks of your own, run after the built-in ones. */
  checks?: Check[];
  /** `replay`: steps and times come from the trace, and no decisions are recorded. */
  mode?: 'live' | 'replay';
  /**
   * Called for every alert (spend levels, an anomalously expensive call, a burn-rate spike). Runs after the
   * decision, never delays it; see `createWebhookSender` for a ready sender.
   */
  onAlert?: (alert: BudgetAlert) => void;
  /** How a throttled model call waits (default: a timer). Tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a live session starts with: its id, goal, key entities, metadata and provenance mode. */
export interface StartSessionOptions {
  sessionId?: string;
  /** The kind of session (`support-chat`): selects `policy.sessionTypes[type]`; recorded in the trace and on spans. */
  type?: string;
  goal?: string;
  entities?: Record<string, string | string[]>;
  metadata?: Record<string, unknown>;
  /**
   * `tool-results` for integrations that never see the conversation (MCP): read-only lookups may
   * introduce ids, and other tools need ids a result carried, a resolver verified, or the client declared.
   * Recorded in the session's start metadata, so replay reproduces it.
   */
  provenance?: ProvenanceMode;
}

/**
 * The guard: policy, checks and tool schemas compiled once; sessions created from it.
 * @example
 * const guard = createGuard({ tools, policy: { budget: { maxTokens: 100_000 } } });
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_555' } });
 * if (!decision.proceed) return decision.refusal; // hand it to the model
 */
export class Guard extends EventEmitter<GuardEvents> {
  readonly policy: Policy;
  private readonly runtime: GuardRuntime;
  private readonly store: SessionStore;
  private readonly subagentValidators = new Map<string, ArgumentValidator>();
  private readonly baseDefinitions: ToolDefinition[];
  /**
   * The guard's own tools whose definitions carry instructions aimed at the agent (tool poisoning): each
   * session flags them (`PROMPT_INJECTION`) at its start and, when the policy blocks (the default), holds
   * them back until accepted (`session.poisonedTools()`). Leave them out of what the model is shown.
   */
  readonly poisonedTools: ReadonlySet<string>;

  constructor(options: GuardOptions = {}) {
    super();
    this.policy = isResolvedPolicy(options.policy) ? options.policy : resolvePolicy(options.policy);
    const policy = this.policy;
    this.baseDefinitions = (options.tools ?? []).map(toToolDefinition);
    const ownNames = new Set(this.baseDefinitions.map((definition) => definition.name)).size;
    if (ownNames > policy.limits.maxTools) {
      throw new RangeError(`createGuard: ${ownNames} tools are more than a session keeps (limits.maxTools: ${policy.limits.maxTools}); raise limits.maxTools in the policy`);
    }
    const injection = createInjectionScanner(policy.injection.extraPatterns, options.injectionDetectors);
    // The guard's tools may come from anywhere (an MCP server's list, a registry): a definition carrying
    // poisoning is not registered up front, and each session's start then checks the whole list, as it
    // checks any list, so the definition is flagged and held back there (and replay sees the same).
    this.poisonedTools = new Set(this.baseDefinitions.filter((definition) => poisoningIn(definition, injection).length > 0).map((definition) => definition.name));
    const tools = new Map<string, RegisteredTool>();
    if (this.poisonedTools.size === 0) for (const definition of this.baseDefinitions) tools.set(definition.name, registerTool(definition, policy));
    for (const [agent, { outputSchema }] of Object.entries(options.subagents ?? {})) {
      this.subagentValidators.set(agent, compileToolSchema(outputSchema, policy.limits));
    }
    this.store = options.store ?? createMemoryStore(policy.limits);
    const sink = options.sink;
    const emitter = this;
    /** A sink that failed: reported as the guard's `error` event, never to the agent (false: not written). */
    const recordFailed = (event: TraceEvent, error: unknown): false => {
      emitter.emit('error', { sessionId: event.session_id, error: error instanceof Error ? error : new Error(String(error)) });
      return false;
    };
    const subagentValidators = this.subagentValidators;
    const typed = new Map<string, GuardRuntime>();
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const runtime: GuardRuntime = {
      policy,
      tools,
      checks: indexChecks([...BUILT_IN_CHECKS, ...(options.checks ?? [])]),
      injection,
      resolvers: { ...options.resolvers },
      entityPatterns: compileEntityPatterns(policy),
      escalate: options.escalate,
      clock: options.clock ?? Date.now,
      live: (options.mode ?? 'live') === 'live',
      recording: sink !== undefined,
      record(event) {
        if (!sink) return true;
        try {
          const written = sink.write(event);
          // (The closure only for a sink that finishes later: a written event costs no allocation here.)
          return written instanceof Promise ? written.then(() => true, (error: unknown) => recordFailed(event, error)) : true;
        } catch (error) {
          return recordFailed(event, error);
        }
      },
      emit(name, payload) {
        (emitter.emit as (name: string, payload: unknown) => boolean)(name, payload);
      },
      subagentSchema(event: SubagentOutputEvent, session) {
        const declared = event.agent === undefined ? undefined : subagentValidators.get(event.agent);
        if (declared) return declared;
        const call = event.call_id === undefined ? undefined : session.toolCall(event.call_id);
        const schema = call === undefined ? undefined : session.tool(call.tool)?.definition.output_schema;
        return schema === undefined ? undefined : compileToolSchema(schema, policy.limits);
      },
      forType(type) {
        const typePolicy = policyForSessionType(policy, type);
        if (type === undefined || typePolicy === policy) return runtime;
        let found = typed.get(type);
        if (!found) {
          found = { ...runtime, policy: typePolicy };
          typed.set(type, found);
        }
        return found;
      },
      sleep,
    };
    this.runtime = runtime;
    if (options.onAlert) {
      const onAlert = options.onAlert;
      this.on('alert', (alert) => {
        try {
          onAlert(alert);
        } catch (error) {
          this.emit('error', { sessionId: alert.sessionId, error: error as Error });
        }
      });
    }
  }

  /**
   * Delivers an event to every listener, each contained: a listener that throws (or rejects) never
   * reaches the agent loop or the listeners after it; it becomes an `error` event instead.
   */
  override emit<T extends EventEmitter.EventNames<GuardEvents>>(event: T, ...args: EventEmitter.EventArgs<GuardEvents, T>): boolean {
    type Stored = { fn: (...values: unknown[]) => unknown; context: unknown; once?: boolean };
    const key = `${typeof EventEmitter.prefixed === 'string' ? EventEmitter.prefixed : ''}${String(event)}`;
    const stored = (this as unknown as { _events: Record<string, Stored | Stored[] | undefined> })._events[key];
    if (!stored) return false;
    for (const listener of Array.isArray(stored) ? [...stored] : [stored]) {
      if (listener.once) this.removeListener(event, listener.fn as never, undefined, true);
      try {
        const returned = listener.fn.apply(listener.context, args);
        if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
          (returned as Promise<unknown>).then(undefined, (error: unknown) => this.listenerFailed(event, error));
        }
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
    return true;
  }

  private listenerFailed(event: string | symbol, error: unknown): void {
    // A failing `error` listener has nowhere left to report to.
    if (event === 'error') return;
    const failure = error instanceof Error ? error : new Error(String(error));
    this.emit('error', { error: new Error(`a "${String(event)}" listener threw: ${failure.message}`, { cause: failure }) });
  }

  /**
   * Starts a live session: records `session.start` (step 0), validates its key entities, and records the
   * guard's tool definitions. If an entity fails, `startDecision` says so and tool calls are refused.
   */
  async startSession(options: StartSessionOptions = {}): Promise<GuardSession & { startDecision: Decision }> {
    const session = this.openSession(options.sessionId ?? randomUUID(), options.type);
    const start: Omit<SessionStartEvent, 'session_id' | 'step'> = { type: 'session.start' };
    if (options.type !== undefined) start.session_type = options.type;
    if (options.goal !== undefined) start.goal = options.goal;
    if (options.entities !== undefined) start.entities = options.entities;
    const metadata = options.provenance === 'tool-results' ? { ...options.metadata, [METADATA_KEY]: { provenance: 'tool-results' } } : options.metadata;
    if (metadata !== undefined) start.metadata = metadata;
    const startDecision = await session.ingest(start);
    if (this.poisonedTools.size > 0) await session.ingest({ type: 'tool.definitions', tools: this.baseDefinitions });
    else if (this.baseDefinitions.length > 0) {
      // Already registered from the guard's tools: recording them makes the trace replayable.
      session[RECORD_OWN]({ type: 'tool.definitions', tools: this.baseDefinitions }, startDecision);
    }
    return Object.assign(session, { startDecision });
  }

  /**
   * A session with no start event yet (replay feeds its own); reuses a stored one with the same id.
   * A `session.start` carrying `session_type` puts a fresh session under that type's policy.
   */
  openSession(sessionId: string, type?: string): GuardSession {
    const existing = this.store.get(sessionId);
    if (existing) return existing;
    // Replay decides from the trace alone: only live sessions join a shared log.
    const session = new GuardSession(sessionId, this.runtime.forType(type), this.runtime.live ? this.store.log?.(sessionId) : undefined);
    this.store.set(sessionId, session);
    return session;
  }

  session(sessionId: string): GuardSession | undefined {
    return this.store.get(sessionId);
  }

  /** Forgets a finished session. */
  endSession(sessionId: string): void {
    this.store.delete(sessionId);
  }
}

/**
 * Creates a guard: the policy resolved, checks and tool schemas compiled once, for all its sessions.
 * @example
 * const guard = createGuard({ tools, policy: { budget: { maxTokens: 200_000 } } });
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 */
export function createGuard(options: GuardOptions = {}): Guard {
  return new Guard(options);
}
