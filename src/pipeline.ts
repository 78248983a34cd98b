import type { Action, Flag, TraceEvent, TraceEventType } from './trace/events.js';
import type { Check, CheckContext } from './checks/check.js';
import type { Policy } from './policy/policy.js';
import type { RegisteredTool } from './state/tool-registry.js';
import { AnomalyCode, moreSevere } from './codes.js';

export type CheckIndex = ReadonlyMap<TraceEventType, readonly Check[]>;

/** Groups checks by the event types they read, once, so an event only meets its own checks. */
export function indexChecks(checks: readonly Check[]): CheckIndex {
  const index = new Map<TraceEventType, Check[]>();
  for (const check of checks) for (const type of check.on) index.set(type, [...(index.get(type) ?? []), check]);
  return index;
}

function failed(check: Check, event: TraceEvent, error: unknown): Flag {
  return {
    code: AnomalyCode.GUARD_ERROR,
    message: `Check ${check.name} failed internally: ${(error as Error)?.message ?? String(error)}.`,
    step: event.step,
    evidence: { check: check.name },
  };
}

/**
 * Runs the event's checks. Synchronous unless a check is async (only step-0 resolvers are), so the
 * session can decide and commit a tool call without yielding to a concurrent one.
 * A check that throws becomes a GUARD_ERROR flag: the agent loop never sees the exception.
 */
export function runChecks(index: CheckIndex, event: TraceEvent, context: CheckContext, timeoutMs = 2_000): Flag[] | Promise<Flag[]> {
  const flags: Flag[] = [];
  const pending: Array<Promise<void>> = [];
  for (const check of index.get(event.type) ?? []) {
    try {
      const found = check.run(event, context);
      if (Array.isArray(found)) flags.push(...found);
      else if (found !== null && typeof (found as Promise<Flag[]>)?.then === 'function') pending.push(withTimeout(check, event, found, timeoutMs, flags));
      else throw new TypeError(`returned ${found === null ? 'null' : typeof found}, not a list of flags`);
    } catch (error) {
      flags.push(failed(check, event, error));
    }
  }
  return pending.length === 0 ? flags : Promise.all(pending).then(() => flags);
}

/** An async check that never settles cannot hang the decision: past the timeout it fails closed. */
function withTimeout(check: Check, event: TraceEvent, found: Promise<Flag[]>, timeoutMs: number, flags: Flag[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      flags.push(failed(check, event, new Error(`did not answer within ${timeoutMs} ms (checkTimeoutMs)`)));
      resolve();
    }, timeoutMs);
    timer.unref?.();
  });
  const settled = Promise.resolve(found).then(
    (async) => {
      if (!Array.isArray(async)) throw new TypeError(`resolved to ${typeof async}, not a list of flags`);
      flags.push(...async);
    },
    (error: unknown) => void flags.push(failed(check, event, error)),
  ).then(undefined, (error: unknown) => void flags.push(failed(check, event, error)));
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

/** The policy's action for a flag: per-tool override, then the destructive defaults, then the policy. */
export function actionFor(code: string, policy: Policy, tool: RegisteredTool | undefined, evidence?: Record<string, unknown>): Action {
  if (code === AnomalyCode.GUARD_ERROR) {
    if (evidence?.stage === 'record') return policy.onRecordError === 'allow' ? 'warn' : 'block';
    return policy.onCheckError === 'allow' ? 'warn' : 'block';
  }
  if (evidence?.in === 'model_text') return evidence.final === true ? policy.modelText.final : policy.modelText.intermediate;
  const base = baseActionFor(code, policy, tool, evidence);
  // A pending definition change: refused when the tool is unusable or the policy refuses pending tools.
  if (code === AnomalyCode.TOOL_DEFINITION_CHANGED && evidence?.pending === true && (evidence.unusable === true || policy.pins.whilePending === 'refuse')) return moreSevere(base, 'block');
  return base;
}

function baseActionFor(code: string, policy: Policy, tool: RegisteredTool | undefined, evidence?: Record<string, unknown>): Action {
  // Flags of an event about many tools (a tool list) name their tool in the evidence: per-tool actions still apply.
  const name = tool?.definition.name ?? (typeof evidence?.tool === 'string' ? evidence.tool : undefined);
  const perTool = name === undefined ? undefined : policy.tools[name]?.actions?.[code];
  if (perTool) return perTool;
  // Lower-confidence injection findings (paraphrases, encodings, loose phrasing) have their own action.
  if (code === AnomalyCode.PROMPT_INJECTION && evidence?.confidence === 'low') return policy.injection.lowConfidence;
  if (tool?.destructive) {
    const destructive = policy.destructiveActions[code];
    if (destructive) return destructive;
  }
  return policy.actions[code] ?? 'warn';
}

/** The most severe action among the flags' actions; `allow` when there are none. */
export function decide(flags: readonly Flag[], policy: Policy, tool: RegisteredTool | undefined): Action {
  let action: Action = 'allow';
  for (const flag of flags) action = moreSevere(action, actionFor(flag.code, policy, tool, flag.evidence));
  return action;
}
