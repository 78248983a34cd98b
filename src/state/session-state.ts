import type { Flag, ModelToolCall } from '../trace/events.js';
import type { Policy } from '../policy/policy.js';
import { EntityLedger } from './ledger.js';
import { CallHistory } from './call-history.js';
import { TokenBudget } from './budget.js';
import { UsageStats } from './usage-stats.js';
import type { RegisteredTool } from './tool-registry.js';
import { normalizeKey } from '../text/content-scan.js';
import { idTokens } from '../text/tokens.js';
import { IdShapeSet } from '../text/id-shapes.js';

/** Where a session stands: `active`, `paused` (until resumed), `killed` (for good), or `ended`. */
export type SessionStatus = 'active' | 'paused' | 'killed' | 'ended';

/** Model tool calls (and which were truncated) a session remembers, at most. */
const MAX_MODEL_CALLS = 4_096;
/** Refused calls whose late results a session still recognizes, at most. */
const MAX_REFUSED_CALLS = 1_024;

/** Most expensive model calls a session keeps for alerts. */
const TOP_STEPS = 5;

/** Adds to a per-session index, dropping the oldest entry past `cap`: long sessions stay bounded. */
function addBounded<K>(index: Set<K> | Map<K, unknown>, cap: number, key: K, value?: unknown): void {
  if (index instanceof Set) index.add(key);
  else index.set(key, value);
  if (index.size > cap) index.delete(index.keys().next().value as K);
}

/**
 * Where trusted ids come from. `conversation`: user and system messages, session entities, tool
 * results. `tool-results`: for channels that never see the conversation (an MCP server or proxy):
 * read-only lookups may introduce ids, and a successful lookup vouches for them.
 */
export type ProvenanceMode = 'conversation' | 'tool-results';

/** Everything the guard knows about one session. Checks read it; only the session writes it. */
export class SessionState {
  readonly ledger: EntityLedger;
  readonly calls: CallHistory;
  readonly budget: TokenBudget;
  readonly usage: UsageStats;
  readonly tools: Map<string, RegisteredTool>;
  readonly idShapes = new IdShapeSet();
  /** The last text the model produced, so an assistant message repeating it is not checked twice. */
  lastModelText: string | undefined;
  /**
   * Entity kind (normalized key) -> the normalized ids the session is about. Its keys are what the
   * mismatch check watches in results: each kind, and `{kind}id` for kinds named without `id`.
   */
  readonly sessionEntities = new Map<string, Set<string>>();
  /** Flags of session-start entities that failed validation. */
  unverified: Flag[] = [];
  goal: string | undefined;
  status: SessionStatus = 'active';
  /** What paused or killed the session. */
  haltedBy: { step: number; codes: string[] } | undefined;
  /** Tool-call ids from model calls cut off by the output limit. */
  readonly truncatedCallIds = new Set<string>();
  /** Calls the guard refused: their results never reach the model. */
  readonly refusedCallIds = new Set<string>();
  /** Tool calls the model produced, by id, for linking `tool.call` events to their model call. */
  readonly modelToolCalls = new Map<string, { step: number; call: ModelToolCall }>();
  provenance: ProvenanceMode = 'conversation';
  lastStep = -1;
  /** Alert levels already raised (`cost:5`, `tokens:100000`): each fires once per session. */
  readonly alertsFired = new Set<string>();
  /** The most expensive model calls, for alerts and postmortems (a handful, most expensive first). */
  readonly topSteps: Array<{ step: number; tokens: number }> = [];
  /** How many model calls in a row ran in a burn-rate spike under `throttle`; 0 when not throttled. */
  throttleLevel = 0;
  /** The step at which the current burn-rate spike began; undefined outside a spike. */
  spikeStartStep: number | undefined;

  constructor(
    readonly id: string,
    policy: Policy,
    baseTools: ReadonlyMap<string, RegisteredTool>,
  ) {
    this.ledger = new EntityLedger(policy.limits.ledgerSize);
    this.calls = new CallHistory(policy.loop.history);
    this.budget = new TokenBudget(policy.budget);
    this.usage = new UsageStats(policy.budget.burnRateWindowMs);
    this.tools = new Map(baseTools);
    for (const tool of baseTools.values()) {
      this.learnToolShapes(tool);
      // Ids the tool definitions offer (enum values, examples, ids named in descriptions) are trusted context.
      this.ledger.record(tool.definitionTokens, { step: 0, source: `definition:${tool.definition.name}`, trust: 'trusted' });
    }
    for (const [kind, entity] of Object.entries(policy.entities)) if (entity.pattern !== undefined) this.idShapes.addPattern(entity.pattern, `policy:${kind}`);
  }

  learnToolShapes(tool: RegisteredTool): void {
    for (const kind of tool.idKinds) this.idShapes.addKind(kind);
    for (const declared of tool.idPatterns) {
      if (declared.uuid) this.idShapes.addUuid(declared.origin);
      else if (declared.pattern !== undefined) this.idShapes.addPattern(declared.pattern, declared.origin);
    }
  }

  declareEntities(entities: Record<string, string | string[]>): void {
    for (const [kind, value] of Object.entries(entities)) {
      const key = normalizeKey(kind);
      this.idShapes.addKind(kind.replace(/[_\-.]?(?:ids?|IDs?|Ids?)$/, ''));
      const ids = this.sessionEntities.get(key) ?? new Set<string>();
      for (const id of Array.isArray(value) ? value : [value]) {
        for (const token of idTokens(String(id))) ids.add(token);
        this.idShapes.learnFrom(String(id), kind);
      }
      this.sessionEntities.set(key, ids);
      if (!key.endsWith('id')) this.sessionEntities.set(`${key}id`, ids);
    }
  }

  rememberModelToolCalls(step: number, toolCalls: readonly ModelToolCall[], truncated: boolean): void {
    for (const call of toolCalls) {
      if (typeof call.id !== 'string') continue;
      addBounded(this.modelToolCalls, MAX_MODEL_CALLS, call.id, { step, call });
      if (truncated) addBounded(this.truncatedCallIds, MAX_MODEL_CALLS, call.id);
    }
  }

  /** Keeps the TOP_STEPS most expensive model calls. */
  noteStepTokens(step: number, tokens: number): void {
    const top = this.topSteps;
    if (top.length === TOP_STEPS && tokens <= top[top.length - 1]!.tokens) return;
    let index = top.findIndex((entry) => tokens > entry.tokens);
    if (index === -1) index = top.length;
    top.splice(index, 0, { step, tokens });
    if (top.length > TOP_STEPS) top.pop();
  }

  /** A call the guard refused: its result, if one comes anyway, is not the model's to see. */
  refuseCall(callId: string): void {
    addBounded(this.refusedCallIds, MAX_REFUSED_CALLS, callId);
    this.calls.setResult(callId, 'refused');
  }
}
