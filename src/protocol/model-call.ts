import type { Decision, ModelAdmission, ModelCallInput } from '../decision.js';
import type { MessageRole } from '../trace/events.js';
import { withheldAnswer } from '../decision.js';
import { buildRefusal, isGuardFailure, type Refusal } from '../refusal.js';
import { guardFailureDecision } from './guard-failure.js';
import { estimateTokens, type ConversationMessage, type MessageFeed } from './message-feed.js';

/** What the model-call protocol needs from a session. */
export interface ModelCallHost {
  message(role: MessageRole, content: string): Promise<Decision>;
  beforeModelCall(input: { model: string; estimatedInputTokens?: number; maxOutputTokens?: number }): Promise<ModelAdmission>;
  modelCall(input: ModelCallInput): Promise<Decision>;
  releaseModelCall(reservationId: string | undefined): void;
  /** What the session reserves for the input of a call it is told nothing about: a floor for the request's own estimate. */
  defaultInputTokens(): number | undefined;
  /** Whether a call the guard could not decide (it threw) runs anyway: the policy's `onCheckError: 'allow'`. */
  failsOpen(): boolean;
}

/** A model call about to be made, in the guard's terms. */
export interface ModelRequestInput {
  model: string;
  /** The request's conversation; the feed passes on the user and system messages the session has not seen. */
  messages?: readonly ConversationMessage[];
  /** Which messages of this conversation the session has already seen. */
  feed?: MessageFeed;
  /** The request's output cap, reserved as output tokens. */
  maxOutputTokens?: number;
}

/** What a model call produced, recorded against its reservation. */
export type ModelOutput = Omit<ModelCallInput, 'reservationId' | 'model'> & { model?: string };

/** A model call in flight (a stream): admitted once, then finished with its output or failed, once. */
export interface ModelCallTicket {
  readonly admission: ModelAdmission;
  readonly proceed: boolean;
  /** What the model says instead of calling the provider, when the call may not run. */
  readonly refusal: Refusal | undefined;
  /** Records the call's output and usage against its reservation. */
  finish(output: ModelOutput): Promise<Decision>;
  /** Gives the reservation back (the call failed, or its stream ended without finishing); nothing after `finish`. */
  fail(): void;
}

/** How a guarded model call ended. */
export interface ModelCallOutcome<R> {
  admission: ModelAdmission;
  /** Whether the provider was called. */
  ran: boolean;
  /** What the provider returned. */
  value?: R;
  /** The guard's decision on the output, when the call ran. */
  decision?: Decision;
  /** The call was not admitted (halted session, spent budget): answer with this instead. */
  refusal?: Refusal;
  /** A final answer naming an invented id: show this instead, where the framework can still hold it back. */
  withheld?: Refusal;
}

/** Feeds the request's new messages, then reserves budget for it with an estimate of its size. */
export async function openModelCall(host: ModelCallHost, request: ModelRequestInput): Promise<ModelCallTicket> {
  let admission: ModelAdmission;
  try {
    admission = await admit(host, request);
  } catch (error) {
    // The guard itself failed: the call is refused with GUARD_ERROR (or made unchecked if the policy fails open), never thrown at the agent loop.
    const failed = guardFailureDecision(error, 'Model call', host.failsOpen());
    return { admission: failed, proceed: failed.proceed, refusal: failed.refusal, finish: () => Promise.resolve({ ...failed, refusal: undefined }), fail() {} };
  }
  let done = false;
  return {
    admission,
    proceed: admission.proceed,
    refusal: admission.proceed ? undefined : (admission.refusal ?? buildRefusal(admission.action, admission.flags, 'Model call')),
    async finish(output) {
      if (done) throw new Error('agent-warden: a model call was finished twice');
      done = true;
      try {
        return await host.modelCall({ model: request.model, ...output, ...(admission.reservationId !== undefined ? { reservationId: admission.reservationId } : {}) });
      } catch (error) {
        // The output could not be recorded: a final answer is withheld (GUARD_ERROR), unless the policy fails open.
        return guardFailureDecision(error, 'Model output', host.failsOpen());
      }
    },
    fail() {
      if (done) return;
      done = true;
      host.releaseModelCall(admission.reservationId);
    },
  };
}

async function admit(host: ModelCallHost, request: ModelRequestInput): Promise<ModelAdmission> {
  const messages = request.messages ?? [];
  // The request's text undercounts (tool schemas, provider framing): never reserve less than the session would unasked.
  for (const message of request.feed ? request.feed.unseen(messages) : []) await host.message(message.role, message.text);
  const estimatedInputTokens = Math.max(estimateTokens(messages), host.defaultInputTokens() ?? 0);
  return host.beforeModelCall({
    model: request.model,
    estimatedInputTokens,
    ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
  });
}

/**
 * The whole model-call sequence, once for every integration: feed new messages, reserve budget with an
 * estimate, call the provider if admitted, give the reservation back if it throws, record the output
 * against the reservation, and say whether a final answer must be withheld.
 */
export async function guardModelCall<R>(host: ModelCallHost, request: ModelRequestInput, run: () => PromiseLike<R> | R, outputOf: (value: R) => ModelOutput): Promise<ModelCallOutcome<R>> {
  const ticket = await openModelCall(host, request);
  if (!ticket.proceed) return { admission: ticket.admission, ran: false, ...(ticket.refusal ? { refusal: ticket.refusal } : {}) };
  let value: R;
  try {
    value = await run();
  } catch (error) {
    ticket.fail();
    throw error;
  }
  let output: ModelOutput;
  try {
    output = outputOf(value);
  } catch (error) {
    ticket.fail();
    // The integration could not read the provider's answer, so the guard cannot check it: a guard failure like any
    // other (refused with GUARD_ERROR, or passed on with it as a warning when the policy fails open), never thrown.
    const decision = guardFailureDecision(error, `Answer of ${request.model}`, host.failsOpen());
    return { admission: ticket.admission, ran: true, value, decision, ...(decision.refusal ? { refusal: decision.refusal } : {}) };
  }
  const decision = await ticket.finish(output);
  // The guard failed to check the output (GUARD_ERROR, fail closed): the model's answer is not passed on.
  if (!decision.proceed && decision.flags.some(isGuardFailure)) return { admission: ticket.admission, ran: true, value, decision, ...(decision.refusal ? { refusal: decision.refusal } : {}) };
  const withheld = withheldAnswer(decision);
  return { admission: ticket.admission, ran: true, value, decision, ...(withheld ? { withheld } : {}) };
}
