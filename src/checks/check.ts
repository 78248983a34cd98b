import type { Flag, SubagentOutputEvent, TraceEvent, TraceEventType } from '../trace/events.js';
import type { ArgumentValidator } from '../schema/compile.js';
import type { Policy, ToolPolicy } from '../policy/policy.js';
import type { SessionView } from '../state/session-view.js';
import type { ContentScan } from '../text/content-scan.js';
import type { PreparedCall } from './prepared-call.js';
import type { InjectionScanner } from '../text/injection.js';
import type { EntityPattern } from './entity-patterns.js';
import type { BoundedDefinitions } from '../state/tool-bound.js';

/** What a check sees: a read-only view of the session, the policy, and values computed once per event. */
export interface CheckContext {
  readonly policy: Policy;
  /** The session, read only: what it has seen, defined, spent and been told. */
  readonly session: SessionView;
  readonly injection: InjectionScanner;
  /** The guard's existence checks by entity kind (the runtime's `EntityResolver`s). */
  readonly resolvers: Readonly<Record<string, (id: string, kind: string) => boolean | Promise<boolean>>>;
  readonly entityPatterns: readonly EntityPattern[];
  /** The event's time in ms since the epoch, when it has one. */
  readonly at: number | undefined;
  toolPolicy(tool: string): ToolPolicy | undefined;
  /** The tool call being decided, parsed and indexed once for every check. */
  call(): PreparedCall;
  /** The declared output schema of the subagent that produced this output, if any. */
  subagentSchema(event: SubagentOutputEvent): ArgumentValidator | undefined;
  /** The event's content (result, subagent output, retrieved text) scanned once. */
  content(): ContentScan;
  /**
   * A `tool.definitions` event's list split at the session's bound (`limits.maxTools`), once: the
   * definitions the session keeps (its known names, and new ones while there is room) and the new names it drops.
   */
  definitions(): BoundedDefinitions;
}

/**
 * A check: a small pure function from an event and a read-only session view to anomaly flags.
 * Checks never change the session and never throw for a finding (a check that throws becomes GUARD_ERROR).
 */
export interface Check<E extends TraceEvent = TraceEvent> {
  readonly name: string;
  readonly on: ReadonlyArray<TraceEventType>;
  run(event: E, context: CheckContext): Flag[] | Promise<Flag[]>;
}

/** Makes a flag (a finding): its code, the step, a message for people and the model, and evidence as data. */
export function flag(code: string, step: number, message: string, evidence?: Record<string, unknown>): Flag {
  return evidence === undefined ? { code, message, step } : { code, message, step, evidence };
}

/**
 * Declares a check with its event type narrowed. Add it with `createGuard({ checks: [...] })`.
 * @example
 * const noRefundsOnFriday = defineCheck('no-refunds-on-friday', ['tool.call'], (event, context) =>
 *   event.tool === 'refund_order' && new Date(context.at ?? Date.now()).getDay() === 5
 *     ? [flag('REFUND_ON_FRIDAY', event.step, 'Refunds wait for Monday.', { tool: event.tool })]
 *     : []);
 */
export function defineCheck<T extends TraceEventType>(
  name: string,
  on: readonly T[],
  run: (event: Extract<TraceEvent, { type: T }>, context: CheckContext) => Flag[] | Promise<Flag[]>,
): Check {
  return { name, on, run: run as Check['run'] };
}
