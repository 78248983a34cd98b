/**
 * One AI SDK tool with its `execute` run through the guard, and nothing else changed: every other
 * property (description, title, schemas, providerOptions, needsApproval, the onInput* hooks, a provider
 * tool's type/id/args, anything unknown, getters, symbols, the prototype, frozenness) is the original's.
 */
import type { Tool } from 'ai';
import { copyToolWith, type GuardSession, type Refusal, type ToolCallTicket } from '../../src/index.js';

type Execute = NonNullable<Tool['execute']>;
type ExecuteOptions = Parameters<Execute>[1];
type ToModelOutput = NonNullable<Tool['toModelOutput']>;

/** The SDK streams what `execute` returns when it is an AsyncIterable (preliminary results, the last one final). */
function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** An `async *execute`: the SDK must get an AsyncIterable back synchronously, so the wrapper is one too. */
function isAsyncGeneratorFunction(execute: Execute): boolean {
  return Object.prototype.toString.call(execute) === '[object AsyncGeneratorFunction]';
}

/** A refusal as the model reads it, even after a round trip through JSON (a UI message history). */
function isRefusal(output: unknown): output is Refusal {
  const refusal = output as Partial<Refusal> | null;
  return refusal !== null && typeof refusal === 'object' && refusal.error === 'agent_warden_refused' && typeof refusal.message === 'string' && Array.isArray(refusal.flags);
}

/** The last value of a stream: what the SDK would have made the final result. */
async function lastOf(values: AsyncIterable<unknown>): Promise<unknown> {
  let last: unknown;
  for await (const value of values) last = value;
  return last;
}

/**
 * `tool` guarded: `execute` is decided by the session with the input the SDK parsed (defaults and
 * transforms applied), which is also what the tool runs with; a refusal is the result the model reads.
 * `listed` resolves once the session holds the tools' definitions.
 */
export function guardTool(session: GuardSession, name: string, tool: Tool, listed: () => Promise<unknown>): Tool {
  const execute = tool.execute;
  if (!execute) return tool;
  const callOf = (input: unknown, options: ExecuteOptions) => ({ callId: options.toolCallId, tool: name, arguments: (input ?? {}) as Record<string, unknown> });

  // The SDK's parsed input is plain data of the tool's own schema: the tool gets it as the SDK would give it
  // (not the guard's frozen JSON copy, which would turn a transformed Date into a string and refuse mutation).
  const guardedCall = async function execute(this: unknown, input: unknown, options: ExecuteOptions) {
    await listed();
    const outcome = await session.guardToolCall(callOf(input, options), async () => {
      const value = await original(input, options);
      // A plain function that returns a stream cannot be streamed through a promise: its final value is the result.
      return isAsyncIterable(value) ? lastOf(value) : value;
    });
    return outcome.refusal ?? outcome.value;
  };
  const original = (input: unknown, options: ExecuteOptions) => execute.call(tool, input, options) as unknown;

  // Preliminary results stream through as the tool yields them; the result check runs on the last (final) one.
  const guardedStream = async function* execute(this: unknown, input: unknown, options: ExecuteOptions): AsyncGenerator<unknown> {
    await listed();
    const ticket: ToolCallTicket = await session.openToolCall(callOf(input, options));
    if (!ticket.proceed) {
      yield ticket.refusal;
      return;
    }
    let last: unknown;
    let done = false;
    try {
      for await (const value of original(input, options) as AsyncIterable<unknown>) {
        last = value;
        yield value;
      }
      done = true;
    } catch (error) {
      done = true;
      await ticket.fail(error);
      throw error;
    } finally {
      // The stream was abandoned (the run aborted): the call is closed with an error result, never left open.
      if (!done) await ticket.fail(new Error('the tool stream was abandoned before it finished'));
    }
    const checked = await ticket.finish(last);
    if (!checked.proceed) yield checked.refusal;
  };

  const toModelOutput = tool.toModelOutput;
  return copyToolWith(tool, {
    execute: isAsyncGeneratorFunction(execute) ? guardedStream : guardedCall,
    // The tool's own conversion gets its real output; a refusal (never the tool's output) goes to the model as JSON, as without one.
    ...(toModelOutput ? { toModelOutput: (options: Parameters<ToModelOutput>[0]) => (isRefusal(options.output) ? { type: 'json', value: options.output } : toModelOutput.call(tool, options)) } : {}),
  });
}
