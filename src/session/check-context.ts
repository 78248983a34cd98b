import type { SubagentOutputEvent, TraceEvent } from '../trace/events.js';
import type { CheckContext } from '../checks/check.js';
import { prepareCall, type PreparedCall } from '../checks/prepared-call.js';
import type { GuardRuntime } from '../runtime.js';
import type { SessionState } from '../state/session-state.js';
import type { SessionView } from '../state/session-view.js';
import { scanContent, type ContentScan } from '../text/content-scan.js';

const NO_KEYS: ReadonlySet<string> = new Set();

function contentOf(event: TraceEvent): unknown {
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

/** What the checks of one event see: the session's view, and the call and content prepared once, on first read. */
export function buildCheckContext(event: TraceEvent, state: SessionState, view: SessionView, runtime: GuardRuntime): CheckContext {
  let prepared: PreparedCall | undefined;
  let scanned: ContentScan | undefined;
  const at = event.ts === undefined ? undefined : Date.parse(event.ts);
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
      prepared ??= prepareCall(event, state.tools.get(event.tool), runtime.policy.tools[event.tool], runtime.policy, runtime.entityPatterns);
      return prepared;
    },
    content: () => {
      scanned ??= scanContent(contentOf(event), {
        watchedKeys: event.type === 'tool.result' ? state.sessionEntities : NO_KEYS,
        injection: runtime.injection,
        maxDepth: runtime.policy.limits.maxDepth,
        maxTokens: runtime.policy.limits.ledgerSize,
      });
      return scanned;
    },
    subagentSchema: (output: SubagentOutputEvent) => runtime.subagentSchema(output, view),
  };
}
