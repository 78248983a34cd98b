import { randomUUID } from 'node:crypto';
import type { Decision, ToolCallInput, ToolResultInput } from '../decision.js';
import { buildRefusal, type Refusal } from '../refusal.js';
import { guardFailureDecision } from './guard-failure.js';

/** What the tool-call protocol needs from a session: the events it feeds, and a pause lifted. */
export interface ToolCallHost {
  beforeToolCall(call: ToolCallInput): Promise<Decision>;
  afterToolCall(result: ToolResultInput): Promise<Decision>;
  subagentOutput(content: unknown, options: { agent?: string; callId?: string }): Promise<Decision>;
  resume(): void;
  /** The refusal for a call in a session killed since its decision (an operator, another call), if it was. */
  killedSince(subject: string): Refusal | undefined;
  /** Whether a call the guard could not decide (it threw) runs anyway: the policy's `onCheckError: 'allow'`. */
  failsOpen(): boolean;
}

/** What to record for the value a tool returned; `undefined` records nothing (a control-flow value). */
export type ToolResultOf<R> = (value: R) => { result: unknown; isError?: boolean } | undefined;

/** How a framework drives one guarded tool call: a decision it already has, a human approval, what to record, a subagent. */
export interface ToolCallOptions<R = unknown> {
  /**
   * The decision already made on this call, for frameworks that ask twice (an approval hook before the
   * call, a node re-run on resume): the call is decided once.
   */
  decision?: Decision | Promise<Decision>;
  /** A human approved this call after its pause (an approval interruption answered yes): it runs, and the session resumes. */
  approved?: boolean;
  /** What to record as the result of the value the tool returned. Default: the value itself. */
  resultOf?: ToolResultOf<R>;
  /** The tool is an agent: its answer is recorded as this subagent's (untrusted) output. */
  subagent?: string;
}

/** How a guarded tool call ended. `refusal` is set whenever the model must get it instead of `value`. */
export interface ToolCallOutcome<R> {
  /** The guard's decision on the call. */
  decision: Decision;
  /** Whether the tool ran. */
  ran: boolean;
  /** What the tool returned, when it ran. */
  value?: R;
  /** The guard's decision on the result, when the tool ran. */
  checked?: Decision;
  /** What the model gets instead: the call was refused, or its result withheld. */
  refusal?: Refusal;
}

/**
 * One tool call in flight, for frameworks whose hooks split the call (a guardrail before, another after):
 * decided once, then finished with the tool's value or failed with its error, once.
 */
export interface ToolCallTicket {
  readonly callId: string;
  readonly decision: Decision;
  /** Whether the tool may run. */
  readonly proceed: boolean;
  /** The arguments the guard checked, deep-frozen: the value the tool must run with. */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The refusal to hand the model when the call may not run. */
  readonly refusal: Refusal | undefined;
  /** Records what the tool returned and decides whether the model may see it. */
  finish(value: unknown, isError?: boolean): Promise<Decision>;
  /** Records that the tool threw (an error result), so the call is never left without a result. */
  fail(error: unknown): Promise<Decision>;
}

/**
 * The checked value the tool runs with: the session's deep-frozen snapshot of the arguments, never the
 * caller's object (a getter or Proxy could show the guard one id and the tool another). A decision
 * without one (arguments that are not an object, or past a size limit under a lenient policy) gives
 * the tool nothing to run with.
 */
function checkedArguments(decision: Decision): Readonly<Record<string, unknown>> | undefined {
  const kept = decision.arguments;
  return kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? kept : undefined;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** Whether `value` is an Error; false for what cannot be asked (a revoked Proxy throws on `instanceof`: the scan reports it). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** A tool's error as a result the model is shown: its message (an `Error`'s own fields are not enumerable, so it reads as `{}`). */
export function errorResult(error: unknown): { error: string } {
  return { error: (error as Error)?.message ?? String(error) };
}

/** Decides a tool call (or takes the decision already made) and hands back the ticket that finishes it. */
export async function openToolCall(host: ToolCallHost, call: ToolCallInput, options: Omit<ToolCallOptions, 'resultOf'> = {}): Promise<ToolCallTicket> {
  const callId = call.callId ?? `call_${randomUUID()}`;
  let decision: Decision;
  try {
    decision = await (options.decision ?? host.beforeToolCall({ ...call, callId }));
  } catch (error) {
    // The guard itself failed: the call is refused with GUARD_ERROR (or runs unchecked if the policy fails open), never thrown at the agent loop.
    return failedTicket(host, call, callId, error);
  }
  const approved = !decision.proceed && options.approved === true && decision.action === 'pause' && decision.escalation === 'unavailable';
  if (approved) host.resume();
  const checked = checkedArguments(decision);
  let proceed = decision.proceed || approved;
  let refusal = proceed ? undefined : (decision.refusal ?? buildRefusal(decision.action, decision.flags, `Call to ${call.tool}`));
  // Allowed by a lenient policy, but a tool cannot be called with arguments that are not an object.
  if (proceed && checked === undefined) {
    proceed = false;
    refusal = buildRefusal('block', decision.flags, `Call to ${call.tool}`);
  }
  // A kill that landed after the decision still wins.
  const killed = proceed ? host.killedSince(`Call to ${call.tool}`) : undefined;
  if (killed) {
    proceed = false;
    refusal = killed;
  }
  let settled: Promise<Decision> | undefined;
  const record = (result: unknown, isError: boolean): Promise<Decision> => {
    settled ??= (async () => {
      try {
        return await (options.subagent !== undefined
          ? host.subagentOutput(result, { agent: options.subagent, callId })
          : host.afterToolCall({ callId, tool: call.tool, result, ...(isError ? { isError: true } : {}) }));
      } catch (error) {
        // The result could not be checked: withheld with GUARD_ERROR, or shown if the policy fails open.
        return guardFailureDecision(error, `Result of ${call.tool}`, host.failsOpen());
      }
    })();
    return settled;
  };
  return {
    callId,
    decision,
    proceed,
    arguments: checked ?? EMPTY,
    refusal,
    finish: (value, isError = false) => record(value, isError),
    fail: (error) => record(errorResult(error), true),
  };
}

/** The arguments as an object, from an object or from JSON text; undefined for anything else. */
function argumentsObject(given: ToolCallInput['arguments']): Record<string, unknown> | undefined {
  let value: unknown = given;
  if (typeof given === 'string') {
    try {
      value = JSON.parse(given);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The ticket of a call the guard failed to decide: nothing is recorded for it, since the guard could not record. */
function failedTicket(host: ToolCallHost, call: ToolCallInput, callId: string, error: unknown): ToolCallTicket {
  const failsOpen = host.failsOpen();
  const decision = guardFailureDecision(error, `Call to ${call.tool}`, failsOpen);
  // Failing open runs the call unchecked, with the caller's own arguments (no snapshot was taken).
  const given = failsOpen ? argumentsObject(call.arguments) : undefined;
  const proceed = given !== undefined;
  const refusal = proceed ? undefined : guardFailureDecision(error, `Call to ${call.tool}`, false).refusal;
  const passed: Decision = { step: -1, action: 'warn', flags: decision.flags, proceed: true };
  return { callId, decision, proceed, arguments: given ?? EMPTY, refusal, finish: () => Promise.resolve(passed), fail: () => Promise.resolve(passed) };
}

/**
 * The whole tool-call sequence, once for every integration: decide the call, run it with the checked
 * arguments if it may run, record its result (an error result when it throws, then rethrow), and
 * decide whether the model may see the result.
 */
export async function guardToolCall<R>(host: ToolCallHost, call: ToolCallInput, run: (args: Readonly<Record<string, unknown>>) => PromiseLike<R> | R, options: ToolCallOptions<R> = {}): Promise<ToolCallOutcome<R>> {
  const ticket = await openToolCall(host, call, options);
  if (!ticket.proceed) return { decision: ticket.decision, ran: false, ...(ticket.refusal ? { refusal: ticket.refusal } : {}) };
  let value: R;
  try {
    value = await run(ticket.arguments);
  } catch (error) {
    await ticket.fail(error);
    throw error;
  }
  const recorded = options.resultOf ? options.resultOf(value) : { result: value };
  if (recorded === undefined) return { decision: ticket.decision, ran: true, value };
  const checked = await ticket.finish(recorded.result, recorded.isError === true);
  return { decision: ticket.decision, ran: true, value, checked, ...(checked.proceed ? {} : { refusal: checked.refusal ?? buildRefusal(checked.action, checked.flags, `Result of ${call.tool}`) }) };
}
