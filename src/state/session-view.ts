import type { Flag } from '../trace/events.js';
import type { DroppedTokens, ProvenanceLookup } from './ledger.js';
import type { CallRecord } from './call-history.js';
import type { TokenBudget } from './budget.js';
import type { UsageStats } from './usage-stats.js';
import type { RegisteredTool } from './tool-registry.js';
import type { ShapeMatch } from '../text/id-shapes.js';
import type { PendingDefinition, ProvenanceMode, SessionState, SessionStatus } from './session-state.js';

/** The budget as checks read it: what is spent, reserved and allowed, and what a call would cost. */
export type BudgetView = Readonly<Pick<TokenBudget, 'spent' | 'reserved' | 'maxTokens' | 'maxCostNano' | 'openReservations'>> & Pick<TokenBudget, 'charge' | 'fits' | 'exhausted'>;

/** Model-call statistics as checks read them. */
export type UsageView = Readonly<Pick<UsageStats, 'sampleCount'>> & Pick<UsageStats, 'medianInputTokens' | 'burnRate' | 'ratePerMinute'>;

/**
 * What a check may ask about its session: query methods only. Checks never change the session; the
 * session applies each decided event itself (`state/apply-event.ts`).
 */
export interface SessionView {
  readonly id: string;
  readonly status: SessionStatus;
  /** The goal as last stated (at session start, or by a `goal.update`). */
  readonly goal: string | undefined;
  /** Where trusted ids come from in this session. */
  readonly provenance: ProvenanceMode;
  /** The last text the model produced. */
  readonly lastModelText: string | undefined;
  /** Flags of session-start entities that failed validation. */
  readonly unverified: readonly Flag[];
  readonly budget: BudgetView;
  readonly usage: UsageView;
  /** Whether a budget alert level (`cost:1`, `tokens:50000`) was already raised: each fires once. */
  alertFired(key: string): boolean;
  /** Content whose tokens were not all kept (over the per-content cap): where, and how many. */
  droppedFromContent(): readonly DroppedTokens[];
  /** The costliest model calls so far, most expensive first (a few). */
  readonly topSteps: ReadonlyArray<{ readonly step: number; readonly tokens: number }>;
  /** A defined tool, by name. */
  tool(name: string): RegisteredTool | undefined;
  /** The names of every defined tool. */
  toolNames(): string[];
  /** Whether the session has seen its first tool list (a tool defined after it counts as added). */
  readonly toolsPinned: boolean;
  /** The step at which a list named this tool past the bound (`limits.maxTools`) and it was dropped, if it was (the latest names are remembered). */
  droppedToolAt(name: string): number | undefined;
  /** How many tool names the session dropped past the bound. */
  droppedToolCount(): number;
  /** A tool's changed, added or confusably named definition that awaits acceptance, if any. */
  pendingDefinition(name: string): Readonly<PendingDefinition> | undefined;
  /** Whether a model was already flagged as unpriced under the cost cap (each model is flagged once). */
  unpricedFlagged(model: string): boolean;
  /** Where an id token was seen, as trusted and as untrusted content. */
  provenanceOf(token: string): ProvenanceLookup;
  /** The recent tool calls, oldest first (as many as the loop policy keeps). */
  recentCalls(): readonly CallRecord[];
  /** A recent tool call, by call id. */
  toolCall(callId: string): Readonly<CallRecord> | undefined;
  /** The normalized ids the session is about for an entity kind (a normalized key), if any. */
  sessionEntities(key: string): ReadonlySet<string> | undefined;
  /** Whether the session declared any key entities. */
  hasSessionEntities(): boolean;
  /** Whether an earlier trusted result listed this id (normalized) in a record of the session's own entities (see text/record-members.ts). */
  isOwnMember(id: string): boolean;
  /** How many id shapes the session knows. */
  idShapeCount(): number;
  /** Tokens of `text` that have a known id shape. */
  findIdShapes(text: string): ShapeMatch[];
  /** Whether a tool call came from a model call cut off by its output limit. */
  wasTruncated(callId: string): boolean;
  /** The model call that produced a truncated tool call, by call id. */
  modelToolCall(callId: string): { readonly step: number } | undefined;
}

/** A read-only view of a session's state: it reads the live state (methods on the prototype, one field per session). */
class StateView implements SessionView {
  constructor(private readonly state: SessionState) {}
  get id() {
    return this.state.id;
  }
  get status() {
    return this.state.status;
  }
  get goal() {
    return this.state.goal;
  }
  get provenance() {
    return this.state.provenance;
  }
  get lastModelText() {
    return this.state.lastModelText;
  }
  get unverified() {
    return this.state.unverified;
  }
  get budget(): BudgetView {
    return this.state.budget;
  }
  get usage(): UsageView {
    return this.state.usage;
  }
  get topSteps() {
    return this.state.topSteps;
  }
  alertFired(key: string) {
    return this.state.alertFired(key);
  }
  droppedFromContent() {
    return this.state.ledger.dropped;
  }
  tool(name: string) {
    return this.state.tools.get(name);
  }
  toolNames() {
    return [...this.state.tools.keys()];
  }
  get toolsPinned() {
    return this.state.toolsPinned;
  }
  pendingDefinition(name: string) {
    return this.state.pendingDefinitions.get(name);
  }
  droppedToolAt(name: string) {
    return this.state.droppedAt(name);
  }
  droppedToolCount() {
    return this.state.droppedToolCount;
  }
  unpricedFlagged(model: string) {
    return this.state.isUnpricedKnown(model);
  }
  provenanceOf(token: string) {
    return this.state.ledger.lookup(token);
  }
  recentCalls() {
    return this.state.calls.all();
  }
  toolCall(callId: string) {
    return this.state.calls.get(callId);
  }
  sessionEntities(key: string) {
    return this.state.sessionEntities.get(key);
  }
  hasSessionEntities() {
    return this.state.sessionEntities.size > 0;
  }
  isOwnMember(id: string) {
    return this.state.isOwnMember(id);
  }
  idShapeCount() {
    return this.state.idShapes.size;
  }
  findIdShapes(text: string) {
    return this.state.idShapes.find(text);
  }
  wasTruncated(callId: string) {
    return this.state.truncatedCallIds.has(callId);
  }
  modelToolCall(callId: string) {
    return this.state.modelToolCalls.get(callId);
  }
}

/** A read-only view of a session's state; it reads the live state, so it is made once per session. */
export function createSessionView(state: SessionState): SessionView {
  return new StateView(state);
}
