import { readFileSync } from 'node:fs';
import type { ToolKind } from '../tool-kind.js';
import type { Action } from '../trace/events.js';
import { DEFAULT_ACTIONS, DEFAULT_DESTRUCTIVE_ACTIONS } from '../codes.js';
import { compileTrustedSchema } from '../schema/compile.js';
import policySchema from './policy.schema.json' with { type: 'json' };
import { checkLinear } from '../text/linear-regex.js';

/** The policy document as a user writes it (JSON). Every field is optional. */
export interface PolicyDocument {
  version?: 1;
  actions?: Record<string, Action>;
  destructiveActions?: Record<string, Action>;
  onCheckError?: 'block' | 'allow';
  tools?: Record<string, ToolPolicy>;
  entities?: Record<string, EntityKindPolicy>;
  resolverTimeoutMs?: number;
  escalationTimeoutMs?: number;
  /** How long a pause nobody can answer lasts before the session resumes by itself (MCP: clients without elicitation). */
  pauseTimeoutMs?: number;
  modelText?: Partial<ModelTextPolicy>;
  loop?: Partial<LoopPolicy>;
  budget?: BudgetPolicyDocument;
  /** Spend levels that raise an alert (once each) per session. */
  alerts?: Partial<AlertPolicy>;
  /** Per session type (`startSession({ type })`): budgets, alerts and loop limits that replace the defaults above. */
  sessionTypes?: Record<string, SessionTypePolicy>;
  injection?: Partial<InjectionPolicy>;
  limits?: Partial<LimitsPolicy>;
  checkTimeoutMs?: number;
  onRecordError?: 'block' | 'allow';
  pins?: Partial<PinPolicy>;
  halts?: Partial<HaltPolicy>;
  /** Classify tools that carry no MCP hints from their name (`get_*` is a lookup, `delete_*` destructive). Default true. */
  classifyUnannotatedTools?: boolean;
}

/** What calls of a tool whose definition changed get until the change is accepted. */
export interface PinPolicy {
  /** `pinned`: validated against the pinned definition (default); `refuse`: refused. */
  whilePending: 'pinned' | 'refuse';
}

/** What other calls of a session get while a human is being asked about one of its calls. */
export interface HaltPolicy {
  /** `refuse` (default): refused at once; `queue`: wait for the answer, then decided. */
  whileEscalating: 'refuse' | 'queue';
}

/** Prompt-injection findings: high-confidence ones take `actions.PROMPT_INJECTION` (block), lower-confidence ones `lowConfidence`. */
export interface InjectionPolicy {
  extraPatterns: string[];
  /** Action for lower-confidence findings (paraphrased, non-English, encoded, loose phrasing). Default warn. */
  lowConfidence: Action;
  /** Content flagged as injection makes the ids it introduces untrusted. Default true. */
  taintFlaggedContent: boolean;
  /** How long a pluggable detector may take, in ms. Default 2000. */
  detectorTimeoutMs: number;
  /** What a detector that fails or times out yields: block, warn (a finding of its own) or allow (nothing). Default warn. */
  detectorFailure: 'block' | 'warn' | 'allow';
}

/** Per-tool policy: destructive or read-only, and actions that override the policy's for this tool. */
export interface ToolPolicy {
  destructive?: boolean;
  readOnly?: boolean;
  actions?: Record<string, Action>;
  /** What the tool does, overriding its annotations and its name: lookup, create, destructive or other. */
  kind?: ToolKind;
  /** The tool returns third-party content (web pages, email, files others wrote): ids it introduces are untrusted. */
  externalContent?: boolean;
  /** Argument paths (`a.b`, `items[].id`) that hold entity ids, beyond the names that mark ids. */
  entityArguments?: string[];
  /** Argument paths never treated as entity ids, even when their name marks one. */
  ignoreArguments?: string[];
  /** Loop limits for this tool's calls: a status poll may repeat more often than other calls. */
  loop?: ToolLoopPolicy;
}

/** A tool's own loop limits (`tools.NAME.loop`). */
export interface ToolLoopPolicy {
  /** The (maxRepeats+1)th call of this tool in a row with near-identical arguments and the same result is a loop. Below `loop.history`. */
  maxRepeats?: number;
}

/** An entity kind the policy knows (an id pattern, argument names that reference it). */
export interface EntityKindPolicy {
  pattern?: string;
  /** Look for ids of this kind inside free-text arguments and results (default: true when a pattern is set). */
  findInText?: boolean;
}

/** Actions for invented ids in what the model says: intermediate outputs, and final answers (withheld when the integration can). */
export interface ModelTextPolicy {
  intermediate: Action;
  final: Action;
}

/** When repeated calls count as a loop. */
export interface LoopPolicy {
  maxRepeats: number;
  similarity: number;
  oscillation: boolean;
  history: number;
}

export interface ModelPrice {
  input: number;
  output: number;
}

/** How a burn-rate spike slows the next model call: the delay grows while the spike lasts. */
export interface ThrottlePolicy {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

/** Session spend levels that alert: each level fires once per session, in tokens and in USD. */
export interface AlertPolicy {
  costUsd: number[];
  tokens: number[];
}

export type BudgetPolicyDocument = Partial<Omit<BudgetPolicy, 'throttle'>> & { throttle?: Partial<ThrottlePolicy> };

/** What a session type may set; everything else comes from the policy's top level. */
export interface SessionTypePolicy {
  budget?: Omit<BudgetPolicyDocument, 'prices'>;
  alerts?: Partial<AlertPolicy>;
  loop?: Partial<LoopPolicy>;
}

/** A session's token and cost budget, per-step limit, and the burn-rate and context-bloat signals. */
export interface BudgetPolicy {
  maxTokens?: number;
  maxCostUsd?: number;
  maxStepTokens?: number;
  burnRateWindowMs: number;
  burnRateMultiplier: number;
  contextBloatMultiplier: number;
  contextBloatMinCalls: number;
  prices: Record<string, ModelPrice>;
  /** Input tokens reserved for a model call with no estimate, at least (the session's largest input so far, if larger). */
  defaultInputTokens: number;
  /** Output tokens reserved for a model call with no `maxOutputTokens`. */
  defaultOutputTokens: number;
  throttle: ThrottlePolicy;
}

export interface LimitsPolicy {
  maxArgumentBytes: number;
  maxDepth: number;
  maxSchemaBytes: number;
  maxSchemaDepth: number;
  ledgerSize: number;
  maxSessions: number;
  sessionTtlMs: number;
  /** Values (objects, arrays, leaves) one call's arguments may hold. */
  maxArgumentNodes: number;
  /** Subschema evaluations one argument value may receive from a tool schema (anyOf/$ref expansion). */
  maxSchemaCost: number;
  /** Characters of one decision's text that untrusted patterns may search for positions. */
  maxPatternScanChars: number;
  /** Tool names one session keeps (defined, or held back for acceptance); new names past it are dropped. */
  maxTools: number;
}

/** A policy with every default filled in: what the checks read. */
export interface Policy {
  actions: Record<string, Action>;
  destructiveActions: Record<string, Action>;
  onCheckError: 'block' | 'allow';
  tools: Record<string, ToolPolicy>;
  entities: Record<string, EntityKindPolicy>;
  resolverTimeoutMs: number;
  escalationTimeoutMs: number;
  pauseTimeoutMs: number;
  modelText: ModelTextPolicy;
  loop: LoopPolicy;
  budget: BudgetPolicy;
  alerts: AlertPolicy;
  /** Resolved policies per declared session type (the top level with the type's overrides applied). */
  sessionTypes: Record<string, Policy>;
  injection: InjectionPolicy;
  limits: LimitsPolicy;
  checkTimeoutMs: number;
  onRecordError: 'block' | 'allow';
  pins: PinPolicy;
  halts: HaltPolicy;
  classifyUnannotatedTools: boolean;
}

/** The policy a guard uses for everything a policy document leaves out. */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  actions: { ...DEFAULT_ACTIONS },
  destructiveActions: { ...DEFAULT_DESTRUCTIVE_ACTIONS } as Record<string, Action>,
  onCheckError: 'block',
  tools: {},
  entities: {},
  resolverTimeoutMs: 2_000,
  escalationTimeoutMs: 300_000,
  pauseTimeoutMs: 60_000,
  modelText: { intermediate: 'warn' as const, final: 'block' as const },
  loop: { maxRepeats: 3, similarity: 0.8, oscillation: true, history: 64 },
  budget: {
    burnRateWindowMs: 15 * 60_000,
    burnRateMultiplier: 3,
    contextBloatMultiplier: 3,
    contextBloatMinCalls: 3,
    prices: {},
    defaultInputTokens: 4_096,
    defaultOutputTokens: 4_096,
    throttle: { initialDelayMs: 1_000, multiplier: 2, maxDelayMs: 30_000 },
  },
  alerts: { costUsd: [1, 5, 9], tokens: [] },
  sessionTypes: {},
  injection: { extraPatterns: [], lowConfidence: 'warn' as const, taintFlaggedContent: true, detectorTimeoutMs: 2_000, detectorFailure: 'warn' as const },
  classifyUnannotatedTools: true,
  limits: {
    maxArgumentBytes: 1_048_576,
    maxDepth: 64,
    maxSchemaBytes: 262_144,
    maxSchemaDepth: 48,
    ledgerSize: 100_000,
    maxSessions: 10_000,
    sessionTtlMs: 24 * 3_600_000,
    maxArgumentNodes: 10_000,
    maxSchemaCost: 256,
    maxPatternScanChars: 131_072,
    // Real MCP servers list 1-200 tools; 1,000 is five times the largest, and at about 8 KB a tool
    // (definition, compiled schema, pin, id shapes) it keeps one session's tools under about 8 MB.
    maxTools: 1_000,
  },
  checkTimeoutMs: 2_000,
  onRecordError: 'block' as const,
  pins: { whilePending: 'pinned' as const },
  halts: { whileEscalating: 'refuse' as const },
});

const RESOLVED = new WeakSet<object>();

/** Whether a value came out of `resolvePolicy` (and so needs no validation or defaults). */
export function isResolvedPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && RESOLVED.has(value);
}

/** A policy document that is not valid: the message lists every problem, with its path. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

const validatePolicyDocument = compileTrustedSchema(policySchema as Record<string, unknown>);

/**
 * Validates a policy document and fills in the defaults.
 * @throws PolicyError naming every problem with its JSON path.
 * @example resolvePolicy({ actions: { LOOP_DETECTED: 'kill' }, budget: { maxTokens: 200_000 } })
 */
export function resolvePolicy(document: PolicyDocument = {}): Policy {
  const problems = validatePolicyDocument(document);
  for (const [kind, entity] of Object.entries(document.entities ?? {})) {
    // Policy patterns run on the linear-time engine: one RE2 cannot run is refused here, at load.
    const unsupported = typeof entity?.pattern === 'string' ? checkLinear(entity.pattern) : undefined;
    if (unsupported) problems.push(`/entities/${kind}/pattern: ${unsupported.message}`);
  }
  for (const [index, pattern] of (document.injection?.extraPatterns ?? []).entries()) {
    const unsupported = typeof pattern === 'string' ? checkLinear(pattern, { ignoreCase: true }) : undefined;
    if (unsupported) problems.push(`/injection/extraPatterns/${index}: ${unsupported.message}`);
  }
  // A tool's repeat limit must fit in the calls a session keeps, or its loop could never be seen.
  const topHistory = document.loop?.history ?? DEFAULT_POLICY.loop.history;
  const histories = [topHistory, ...Object.values(document.sessionTypes ?? {}).map((type) => type?.loop?.history ?? topHistory)];
  const history = Math.min(...histories.filter((value) => typeof value === 'number'));
  for (const [name, tool] of Object.entries(document.tools ?? {})) {
    const limit = tool?.loop?.maxRepeats;
    if (typeof limit === 'number' && limit >= history) problems.push(`/tools/${name}/loop/maxRepeats: must be below loop.history (${history}): a session keeps only that many calls`);
  }
  if (problems.length > 0) {
    throw new PolicyError(`invalid policy:\n  ${problems.join('\n  ')}`, problems);
  }
  const defaults = DEFAULT_POLICY;
  const policy: Policy = {
    actions: byName(defaults.actions, document.actions),
    destructiveActions: byName(defaults.destructiveActions, document.destructiveActions),
    onCheckError: document.onCheckError ?? defaults.onCheckError,
    tools: toolPolicies(document.tools),
    entities: byName(document.entities),
    resolverTimeoutMs: document.resolverTimeoutMs ?? defaults.resolverTimeoutMs,
    escalationTimeoutMs: document.escalationTimeoutMs ?? defaults.escalationTimeoutMs,
    pauseTimeoutMs: document.pauseTimeoutMs ?? defaults.pauseTimeoutMs,
    modelText: { ...defaults.modelText, ...document.modelText },
    loop: { ...defaults.loop, ...document.loop },
    budget: mergeBudget(defaults.budget, document.budget),
    alerts: mergeAlerts(defaults.alerts, document.alerts),
    sessionTypes: byName(),
    injection: { ...defaults.injection, ...document.injection, extraPatterns: [...(document.injection?.extraPatterns ?? [])] },
    classifyUnannotatedTools: document.classifyUnannotatedTools ?? defaults.classifyUnannotatedTools,
    limits: { ...defaults.limits, ...document.limits },
    checkTimeoutMs: document.checkTimeoutMs ?? defaults.checkTimeoutMs,
    onRecordError: document.onRecordError ?? defaults.onRecordError,
    pins: { ...defaults.pins, ...document.pins },
    halts: { ...defaults.halts, ...document.halts },
  };
  for (const [type, overrides] of Object.entries(document.sessionTypes ?? {})) {
    const typed: Policy = {
      ...policy,
      loop: { ...policy.loop, ...overrides.loop },
      budget: mergeBudget(policy.budget, overrides.budget),
      alerts: mergeAlerts(policy.alerts, overrides.alerts),
      sessionTypes: byName(),
    };
    RESOLVED.add(typed);
    policy.sessionTypes[type] = typed;
  }
  RESOLVED.add(policy);
  return policy;
}

/**
 * A record looked up by names from outside (a tool's, a flag code, a model): no prototype, so a tool
 * called `constructor` or `__proto__` finds no policy rather than one of Object's members.
 */
function byName<T>(...records: Array<Readonly<Record<string, T>> | undefined>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, ...records);
}

function toolPolicies(tools: Record<string, ToolPolicy> | undefined): Record<string, ToolPolicy> {
  const out = byName<ToolPolicy>();
  for (const [name, tool] of Object.entries(tools ?? {})) {
    const copy: ToolPolicy = tool.actions === undefined ? { ...tool } : { ...tool, actions: byName(tool.actions) };
    if (tool.loop !== undefined) copy.loop = { ...tool.loop };
    out[name] = copy;
  }
  return out;
}

function mergeBudget(base: BudgetPolicy, document: BudgetPolicyDocument | undefined): BudgetPolicy {
  return { ...base, ...document, prices: byName(base.prices, document?.prices), throttle: { ...base.throttle, ...document?.throttle } };
}

/** Levels sorted ascending and deduplicated, so "once per level" is well defined. */
function mergeAlerts(base: AlertPolicy, document: Partial<AlertPolicy> | undefined): AlertPolicy {
  const levels = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
  return { costUsd: levels(document?.costUsd ?? base.costUsd), tokens: levels(document?.tokens ?? base.tokens) };
}

/** The policy a session of `type` runs under: the type's overrides, or the top level for undeclared types. */
export function policyForSessionType(policy: Policy, type: string | undefined): Policy {
  return (type !== undefined && Object.hasOwn(policy.sessionTypes, type) ? policy.sessionTypes[type] : undefined) ?? policy;
}

/** Reads and resolves a policy file; a bad file is a PolicyError naming the file. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(`cannot read policy file ${path}: ${(error as Error).message}`, []);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`policy file ${path} is not valid JSON: ${(error as Error).message}`, []);
  }
  try {
    return resolvePolicy(document as PolicyDocument);
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${path}: ${error.message}`, error.problems);
    throw error;
  }
}
