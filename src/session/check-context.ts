import type { SubagentOutputEvent, TraceEvent } from '../trace/events.js';
import type { CheckContext } from '../checks/check.js';
import { prepareCall, unusableCall, type ArgumentProblem, type PreparedCall } from '../checks/prepared-call.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import type { SessionView } from '../state/session-view.js';
import { MAX_CONTENT_TOKENS, scanContent, type ContentScan, type ScanOptions } from '../text/content-scan.js';

const NO_KEYS: ReadonlySet<string> = new Set();

/** The content of an event that carries any (a result, a subagent's output, retrieved text). */
export function contentOf(event: TraceEvent): unknown {
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

/** How an event's content is scanned: the session's watched keys, the injection scanner, the bounds. */
export function scanOptions(event: TraceEvent, state: SessionState, runtime: GuardRuntime): ScanOptions {
  return {
    watchedKeys: event.type === 'tool.result' ? state.sessionEntities : NO_KEYS,
    injection: runtime.injection,
    maxDepth: runtime.policy.limits.maxDepth,
    maxTokens: Math.min(runtime.policy.limits.ledgerSize, MAX_CONTENT_TOKENS),
  };
}

/**
 * What the checks of one event see: the session's view, and the call and content prepared once, on
 * first read. `at` is the event's time when the session already knows it; `scan`, content scanned ahead;
 * `argumentProblem`, what the argument snapshot refused (such arguments are never walked).
 */
export function buildCheckContext(
  event: TraceEvent,
  state: SessionState,
  view: SessionView,
  runtime: GuardRuntime,
  known: { at?: number | undefined; scan?: ContentScan | undefined; argumentProblem?: ArgumentProblem | undefined } = {},
): CheckContext {
  let prepared: PreparedCall | undefined;
  let scanned: ContentScan | undefined = known.scan;
  const at = known.at ?? (event.ts === undefined ? undefined : Date.parse(event.ts));
  return {
    policy: runtime.policy,
    session: view,
    injection: runtime.injection,
    resolvers: runtime.resolvers,
    entityPatterns: runtime.entityPatterns,
    at: at === undefined || Number.isNaN(at) ? undefined : at,
    toolPolicy: (tool) => runtime.policy.tools[tool],
    call: () => {
      if (event.type !== 'tool.call') throw new TypeError(`call() read on a ${event.type} event`);
      // Arguments past a structure limit are never walked: the snapshot already named the problem.
      prepared ??= known.argumentProblem
        ? unusableCall(state.tools.get(event.tool), known.argumentProblem)
        : prepareCall(event, state.tools.get(event.tool), runtime.policy.tools[event.tool], runtime.policy, runtime.entityPatterns);
      return prepared;
    },
    content: () => {
      scanned ??= scanContent(contentOf(event), scanOptions(event, state, runtime));
      return scanned;
    },
    subagentSchema: (output: SubagentOutputEvent) => runtime.subagentSchema(output, view),
  };
}
