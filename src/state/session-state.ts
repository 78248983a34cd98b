import type { Flag, ModelToolCall } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import { EntityLedger, type Provenance } from './ledger.js';
import { CallHistory } from './call-history.js';
import { TokenBudget } from './budget.js';
import { UsageStats } from './usage-stats.js';
import type { DefinitionChange, RegisteredTool } from './tool-registry.js';

export type { DefinitionChange };
import { normalizeKey } from '../text/content-scan.js';
import { idTokens } from '../text/tokens.js';
import { IdShapeSet } from '../text/id-shapes.js';
import { takeOldest } from '../text/oldest-first.js';

/** A definition held back until accepted, with why. */
export interface PendingDefinition {
  tool: RegisteredTool;
  change: DefinitionChange;
  step: number;
  /** Calls of the tool are refused, not validated against the pinned definition (a `block` action, or nothing pinned). */
  unusable: boolean;
}

/** Where a session stands: `active`, `paused` (until resumed), `killed` (for good), or `ended`. */
export type SessionStatus = 'active' | 'paused' | 'killed' | 'ended';

/** Model tool calls (and which were truncated) a session remembers, at most. */
const MAX_MODEL_CALLS = 4_096;
/** Refused calls whose late results a session still recognizes, at most. */
const MAX_REFUSED_CALLS = 1_024;

/** Most expensive model calls a session keeps for alerts. */
const TOP_STEPS = 5;
const NO_STEPS: ReadonlyArray<{ step: number; tokens: number }> = Object.freeze([]);
const NO_NUMBERS: readonly number[] = Object.freeze([]);

/** Adds to a per-session index, dropping the oldest entry past `cap`: long sessions stay bounded. */
function addBounded<K>(index: Set<K> | Map<K, unknown>, cap: number, key: K, value?: unknown): void {
  if (index instanceof Set) index.add(key);
  else index.set(key, value);
  if (index.size > cap) takeOldest(index);
}

/**
 * Where trusted ids come from. `conversation`: user and system messages, session entities, tool
 * results. `tool-results`: for channels that never see the conversation (an MCP server or proxy):
 * read-only lookups may introduce ids, and a successful lookup vouches for them.
 */
export type ProvenanceMode = 'conversation' | 'tool-results';

/** Id shapes every session of a guard starts with (tool schemas, policy patterns): built once, shared. */
const baseShapes = new WeakMap<object, WeakMap<object, IdShapeSet>>();

function startingShapes(policy: Policy, baseTools: ReadonlyMap<string, RegisteredTool>): IdShapeSet {
  let byTools = baseShapes.get(policy);
  if (!byTools) baseShapes.set(policy, (byTools = new WeakMap()));
  let shapes = byTools.get(baseTools);
  if (!shapes) {
    shapes = new IdShapeSet();
    for (const tool of baseTools.values()) learnShapes(shapes, tool);
    for (const [kind, entity] of Object.entries(policy.entities)) if (entity.pattern !== undefined) shapes.addPattern(entity.pattern, `policy:${kind}`);
    byTools.set(baseTools, shapes);
  }
  return shapes.fork();
}

function learnShapes(shapes: IdShapeSet, tool: RegisteredTool): void {
  for (const kind of tool.idKinds) shapes.addKind(kind);
  for (const declared of tool.idPatterns) {
    if (declared.uuid) shapes.addUuid(declared.origin);
    else if (declared.pattern !== undefined) shapes.addPattern(declared.pattern, declared.origin);
  }
}

/**
 * Ids the guard's own tool definitions offer (enum values, examples, ids named in descriptions):
 * trusted context in every session from step 0, built once per guard and shared.
 */
const baseIds = new WeakMap<object, ReadonlyMap<string, Provenance> | undefined>();

function definitionIds(baseTools: ReadonlyMap<string, RegisteredTool>): ReadonlyMap<string, Provenance> | undefined {
  if (baseIds.has(baseTools)) return baseIds.get(baseTools);
  const ids = new Map<string, Provenance>();
  for (const tool of baseTools.values()) {
    const provenance: Provenance = { step: 0, source: `definition:${tool.definition.name}`, trust: 'trusted' };
    for (const token of tool.definitionTokens) if (!ids.has(token)) ids.set(token, provenance);
  }
  const shared = ids.size > 0 ? ids : undefined;
  baseIds.set(baseTools, shared);
  return shared;
}

const NO_ENTITIES: ReadonlyMap<string, ReadonlySet<string>> = new Map();
const NO_IDS: ReadonlySet<string> = new Set();
const NO_MODEL_CALLS: ReadonlyMap<string, { step: number }> = new Map();
const NO_PENDING: ReadonlyMap<string, PendingDefinition> = new Map();
/** No flags: shared by every session whose start entities all verified. */
export const NO_FLAGS: readonly Flag[] = Object.freeze([]);

/**
 * Everything the guard knows about one session. Checks read it; only the session writes it.
 * Small by design (an idle session is about 1 KB): every index is created on first use, and what
 * all sessions of a guard share (its tools, their id shapes) is shared until a session changes it.
 */
/** Members of the session's own records remembered, at most: a customer's payment methods, orders and addresses are a few dozen. */
const MAX_OWN_MEMBERS = 1_024;

export class SessionState {
  readonly ledger: EntityLedger;
  readonly calls: CallHistory;
  readonly budget: TokenBudget;
  readonly usage: UsageStats;
  readonly idShapes: IdShapeSet;
  /** The last text the model produced, so an assistant message repeating it is not checked twice. */
  lastModelText: string | undefined;
  /** Flags of session-start entities that failed validation. */
  unverified: readonly Flag[] = NO_FLAGS;
  goal: string | undefined;
  status: SessionStatus = 'active';
  /** What paused or killed the session. */
  haltedBy: { step: number; codes: string[] } | undefined;
  provenance: ProvenanceMode = 'conversation';
  lastStep = -1;
  /** Alert levels already raised (`cost:5`, `tokens:100000`): each fires once per session. Made on first use. */
  private firedAlerts: Set<string> | undefined;
  /** The most expensive model calls, most expensive first (a handful), as `[step, tokens, ...]`. Made on first use. */
  private expensiveSteps: number[] | undefined;
  /** How many model calls in a row ran in a burn-rate spike under `throttle`; 0 when not throttled. */
  throttleLevel = 0;
  /** The step at which the current burn-rate spike began; undefined outside a spike. */
  spikeStartStep: number | undefined;
  private ownTools: Map<string, RegisteredTool> | undefined;
  private entities: Map<string, Set<string>> | undefined;
  /** Ids trusted results listed in records of the session's own entities (a payment method, a flight): made on first use, bounded. */
  private ownMembers: Set<string> | undefined;
  private truncated: Set<string> | undefined;
  private refused: Set<string> | undefined;
  private modelCalls: Map<string, { step: number }> | undefined;
  private unpriced: Set<string> | undefined;
  private pending: Map<string, PendingDefinition> | undefined;
  /** Tool names dropped past `limits.maxTools`: the step of each (the latest, at most the bound's many), and how many in all. */
  private dropped: { steps: Map<string, number>; count: number } | undefined;
  /** Whether the session has seen its first tool list: tools after it count as added. */
  toolsPinned: boolean;
  /** Escalations awaiting a human's answer. */
  escalating = 0;

  constructor(
    readonly id: string,
    policy: Policy,
    private readonly baseTools: ReadonlyMap<string, RegisteredTool>,
  ) {
    this.ledger = new EntityLedger(policy.limits.ledgerSize, definitionIds(baseTools));
    this.calls = new CallHistory(policy.loop.history);
    this.budget = new TokenBudget(policy.budget);
    this.usage = new UsageStats(policy.budget.burnRateWindowMs);
    this.idShapes = startingShapes(policy, baseTools);
    this.toolsPinned = baseTools.size > 0;
  }

  /** Changed, added or confusably named tool definitions not yet accepted: calls keep the pinned one meanwhile. */
  get pendingDefinitions(): ReadonlyMap<string, PendingDefinition> {
    return this.pending ?? NO_PENDING;
  }

  /** Holds a definition back until it is accepted. */
  holdDefinition(name: string, pending: PendingDefinition): void {
    (this.pending ??= new Map()).set(name, pending);
  }

  /** Drops a held-back definition (accepted, or the pinned one listed again); says whether there was one. */
  releaseDefinition(name: string): boolean {
    return this.pending?.delete(name) ?? false;
  }

  /** Whether the session keeps a tool of this name: defined, or held back for acceptance. */
  keepsTool(name: string): boolean {
    return this.tools.has(name) || (this.pending?.has(name) ?? false);
  }

  /** How many tool names the session keeps: defined ones, and those held back under a name not defined. */
  get keptToolCount(): number {
    let count = this.tools.size;
    if (this.pending) for (const name of this.pending.keys()) if (!this.tools.has(name)) count += 1;
    return count;
  }

  /** Tool names a list named past the bound; the latest `cap` of them are remembered, with their step, for their calls' refusals. */
  dropTools(names: readonly string[], step: number, cap: number): void {
    if (names.length === 0) return;
    const dropped = (this.dropped ??= { steps: new Map(), count: 0 });
    for (const name of names) {
      if (!dropped.steps.has(name)) dropped.count += 1;
      dropped.steps.delete(name);
      addBounded(dropped.steps, cap, name, step);
    }
  }

  /** The step at which a tool name was dropped past the bound, if it was (and is still remembered). */
  droppedAt(name: string): number | undefined {
    return this.dropped?.steps.get(name);
  }

  /** How many tool names the session dropped past the bound (each once while remembered; one forgotten and dropped again counts again). */
  get droppedToolCount(): number {
    return this.dropped?.count ?? 0;
  }

  /** Whether a model was already flagged as unpriced under a cost cap (each is flagged once). */
  isUnpricedKnown(model: string): boolean {
    return this.unpriced?.has(model) ?? false;
  }

  markUnpriced(model: string): void {
    (this.unpriced ??= new Set()).add(model);
  }

  /** The session's tools: the guard's, plus (copied on first change) those the trace defined. */
  get tools(): ReadonlyMap<string, RegisteredTool> {
    return this.ownTools ?? this.baseTools;
  }

  /** Registers (or redefines) a tool for this session only. */
  defineTool(tool: RegisteredTool): void {
    (this.ownTools ??= new Map(this.baseTools)).set(tool.definition.name, tool);
    learnShapes(this.idShapes, tool);
  }

  /**
   * Entity kind (normalized key) -> the normalized ids the session is about. Its keys are what the
   * mismatch check watches in results: each kind, and `{kind}id` for kinds named without `id`.
   */
  get sessionEntities(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.entities ?? NO_ENTITIES;
  }

  /** Tool-call ids from model calls cut off by the output limit. */
  get truncatedCallIds(): ReadonlySet<string> {
    return this.truncated ?? NO_IDS;
  }

  /** Calls the guard refused: their results never reach the model. */
  get refusedCallIds(): ReadonlySet<string> {
    return this.refused ?? NO_IDS;
  }

  /** Tool calls from model outputs cut off by the length limit, by id: the step of the model call that produced them. */
  get modelToolCalls(): ReadonlyMap<string, { step: number }> {
    return this.modelCalls ?? NO_MODEL_CALLS;
  }

  /** Forgets a refusal (a new call reusing the id, or the refused call's result arriving); says whether there was one. */
  forgetRefusal(callId: string): boolean {
    return this.refused?.delete(callId) ?? false;
  }

  learnToolShapes(tool: RegisteredTool): void {
    learnShapes(this.idShapes, tool);
  }

  /** Remembers ids a trusted result listed under one of the session's own entities; at most MAX_OWN_MEMBERS, the first kept. */
  rememberOwnMembers(members: Iterable<string>): void {
    for (const member of members) {
      if ((this.ownMembers?.size ?? 0) >= MAX_OWN_MEMBERS) return;
      (this.ownMembers ??= new Set()).add(member);
    }
  }

  isOwnMember(id: string): boolean {
    return this.ownMembers?.has(id) ?? false;
  }

  declareEntities(entities: Record<string, string | string[]>): void {
    const declared = (this.entities ??= new Map());
    for (const [kind, value] of Object.entries(entities)) {
      const key = normalizeKey(kind);
      this.idShapes.addKind(kind.replace(/[_\-.]?(?:ids?|IDs?|Ids?)$/, ''));
      const ids = declared.get(key) ?? new Set<string>();
      for (const id of Array.isArray(value) ? value : [value]) {
        for (const token of idTokens(String(id))) ids.add(token);
        this.idShapes.learnFrom(String(id), kind);
      }
      declared.set(key, ids);
      if (!key.endsWith('id')) declared.set(`${key}id`, ids);
    }
  }

  rememberModelToolCalls(step: number, toolCalls: readonly ModelToolCall[], truncated: boolean): void {
    for (const call of toolCalls) {
      if (typeof call.id !== 'string') continue;
      if (!truncated) continue;
      // Only cut-off calls are linked back (for their flag's evidence), and only by step: the arguments stay in the trace.
      addBounded((this.modelCalls ??= new Map()), MAX_MODEL_CALLS, call.id, { step });
      addBounded((this.truncated ??= new Set()), MAX_MODEL_CALLS, call.id);
    }
  }

  /** The most expensive model calls, for alerts and postmortems. */
  get topSteps(): ReadonlyArray<{ readonly step: number; readonly tokens: number }> {
    const top = this.expensiveSteps;
    if (top === undefined) return NO_STEPS;
    const steps = new Array<{ step: number; tokens: number }>(top.length >> 1);
    for (let index = 0; index < steps.length; index += 1) steps[index] = { step: top[index * 2]!, tokens: top[index * 2 + 1]! };
    return steps;
  }

  alertFired(key: string): boolean {
    return this.firedAlerts?.has(key) ?? false;
  }

  markAlertFired(key: string): void {
    (this.firedAlerts ??= new Set()).add(key);
  }

  /** Keeps the TOP_STEPS most expensive model calls. */
  noteStepTokens(step: number, tokens: number): void {
    const top = this.expensiveSteps ?? NO_NUMBERS;
    const count = top.length >> 1;
    if (count === TOP_STEPS && tokens <= top[top.length - 1]!) return;
    let index = 0;
    while (index < count && !(tokens > top[index * 2 + 1]!)) index += 1;
    // A new list of exactly its size (a handful of entries, as numbers): most sessions keep it to the end.
    const next = new Array<number>(Math.min(count + 1, TOP_STEPS) * 2);
    for (let at = 0, from = 0; at < next.length; at += 2) {
      if (at === index * 2) {
        next[at] = step;
        next[at + 1] = tokens;
      } else {
        next[at] = top[from++]!;
        next[at + 1] = top[from++]!;
      }
    }
    this.expensiveSteps = next;
  }

  /** A call the guard refused: its result, if one comes anyway, is not the model's to see. */
  refuseCall(callId: string): void {
    addBounded((this.refused ??= new Set()), MAX_REFUSED_CALLS, callId);
    this.calls.setResult(callId, 'refused');
  }
}
