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
export function runChecks(index: CheckIndex, event: TraceEvent, context: CheckContext): Flag[] | Promise<Flag[]> {
  const flags: Flag[] = [];
  const pending: Array<Promise<void>> = [];
  for (const check of index.get(event.type) ?? []) {
    try {
      const found = check.run(event, context);
      if (Array.isArray(found)) flags.push(...found);
      else pending.push(found.then((async) => void flags.push(...async), (error: unknown) => void flags.push(failed(check, event, error))));
    } catch (error) {
      flags.push(failed(check, event, error));
    }
  }
  return pending.length === 0 ? flags : Promise.all(pending).then(() => flags);
}

/** The policy's action for a flag: per-tool override, then the destructive defaults, then the policy. */
export function actionFor(code: string, policy: Policy, tool: RegisteredTool | undefined, evidence?: Record<string, unknown>): Action {
  if (code === AnomalyCode.GUARD_ERROR) return policy.onCheckError === 'allow' ? 'warn' : 'block';
  if (evidence?.in === 'model_text') return evidence.final === true ? policy.modelText.final : policy.modelText.intermediate;
  const name = tool?.definition.name;
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
