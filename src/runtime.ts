import type { Flag, SubagentOutputEvent, TraceEvent } from './trace/events.js';
import type { Policy } from './policy/policy.js';
import type { CheckIndex } from './pipeline.js';
import type { InjectionScanner } from './text/injection.js';
import type { EntityPattern } from './checks/entity-patterns.js';
import type { RegisteredTool } from './state/tool-registry.js';
import type { ArgumentValidator } from './schema/compile.js';
import type { SessionView } from './state/session-view.js';
import type { Decision } from './decision.js';

/** Looks an id up where it lives (a database, an API). `true`: it exists. */
export type EntityResolver = (id: string, kind: string) => boolean | Promise<boolean>;

/** A human (or a system) asked about a paused session: approve the call, deny it, or kill the session. */
export type EscalationAnswer = 'approve' | 'deny' | 'kill';
/** Who answers a pause: called with the session, the step and the flags; a timeout or a failure denies. */
export type EscalationHandler = (request: { sessionId: string; step: number; flags: Flag[] }) => EscalationAnswer | Promise<EscalationAnswer>;

/** The events a guard emits (it is an `eventemitter3` emitter): findings, decisions, halts, resumes and internal errors. */
export interface GuardEvents {
  flag: (payload: { sessionId: string; flag: Flag }) => void;
  decision: (payload: { sessionId: string; event: TraceEvent; decision: Decision }) => void;
  pause: (payload: { sessionId: string; step: number; flags: Flag[] }) => void;
  kill: (payload: { sessionId: string; step?: number; flags?: Flag[]; reason?: string }) => void;
  resume: (payload: { sessionId: string }) => void;
  /** Session spend crossed an alert level, one model call was anomalously expensive, or spend spiked. */
  alert: (payload: BudgetAlert) => void;
  /** A model call was delayed because the session is spending too fast. */
  throttle: (payload: { sessionId: string; sessionType?: string; delayMs: number; level: number }) => void;
  error: (payload: { sessionId?: string; error: Error }) => void;
}

/** What an `alert` event carries: enough to act on without opening the trace. */
export interface BudgetAlert {
  sessionId: string;
  sessionType?: string;
  /** `cost` and `tokens`: a spend level crossed; `step`: one call over `maxStepTokens`; `burn_rate`: a spike. */
  kind: 'cost' | 'tokens' | 'step' | 'burn_rate';
  /** The level crossed, for `cost` (USD) and `tokens`. */
  level?: number;
  step: number;
  message: string;
  spent: { tokens: number; costUsd: number };
  /** Tokens per minute over the burn-rate window, when the events carry times. */
  tokensPerMinute: number | null;
  /** The most expensive model calls so far. */
  topSteps: Array<{ step: number; tokens: number }>;
  at: string;
}

/** What every session of one guard shares: compiled once, at guard creation. */
export interface GuardRuntime {
  readonly policy: Policy;
  readonly tools: ReadonlyMap<string, RegisteredTool>;
  readonly checks: CheckIndex;
  readonly injection: InjectionScanner;
  readonly resolvers: Readonly<Record<string, EntityResolver>>;
  readonly entityPatterns: readonly EntityPattern[];
  readonly escalate: EscalationHandler | undefined;
  readonly clock: () => number;
  /** Live sessions place their own steps and times and record guard decisions; replay does neither. */
  readonly live: boolean;
  /**
   * Writes the event to the sink; false when the sink failed (reported as an `error` event). A promise when
   * the sink finishes the event later (a large one): wait for it before deciding on what it recorded.
   */
  record(event: TraceEvent): boolean | Promise<boolean>;
  /** Whether events are written anywhere: without a sink, the guard's own decision records are not built (their steps still count). */
  readonly recording: boolean;
  emit<K extends keyof GuardEvents>(name: K, payload: Parameters<GuardEvents[K]>[0]): void;
  subagentSchema(event: SubagentOutputEvent, session: SessionView): ArgumentValidator | undefined;
  /** The runtime for sessions of a type: the same guard under the type's policy. */
  forType(type: string | undefined): GuardRuntime;
  /** Waits before a throttled model call (injectable, so tests need no real time). */
  sleep(ms: number): Promise<void>;
}
