/**
 * agent-warden/ai-sdk: the guard in the Vercel AI SDK (v6), installed in one line.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const result = await generateText({ prompt, ...guardAiSdk(session, { model, tools, stopWhen: stepCountIs(8) }) });
 */
import { asSchema, wrapLanguageModel, type LanguageModel, type LanguageModelMiddleware, type StopCondition, type ToolSet } from 'ai';
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Content, LanguageModelV3GenerateResult, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import { refusalText, toolArguments, withheldAnswer, type GuardSession, type ModelToolCall, type Refusal } from '../../src/index.js';

const FINISH: Record<string, string> = { stop: 'stop', length: 'length', 'content-filter': 'content_filter', 'tool-calls': 'tool_calls', error: 'error', other: 'other' };

function toolCallsOf(content: readonly LanguageModelV3Content[]): ModelToolCall[] {
  return content.flatMap((part) => {
    return part.type === 'tool-call' ? [{ id: part.toolCallId, name: part.toolName, arguments: toolArguments(part.input) }] : [];
  });
}

function textOf(content: readonly LanguageModelV3Content[]): string | undefined {
  const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  return text === '' ? undefined : text;
}

const EMPTY_USAGE: LanguageModelV3Usage = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

/** What the model returns instead of calling the provider when the session may not go on. */
function haltedResult(refusal: Refusal): LanguageModelV3GenerateResult {
  return { content: [{ type: 'text', text: refusalText(refusal) }], finishReason: { unified: 'stop', raw: 'agent-warden' }, usage: EMPTY_USAGE, warnings: [] };
}

/**
 * A language-model middleware that feeds every model call into the session: the user and system
 * messages it was given (trusted context), usage, finish reason and tool calls. Before each call it
 * reserves budget; a session that is paused, killed or out of budget answers with the refusal instead
 * of calling the provider, so the run ends cleanly.
 */
export function wardenMiddleware(session: GuardSession): LanguageModelMiddleware {
  let fedMessages = 0;

  async function feedPrompt(params: LanguageModelV3CallOptions): Promise<void> {
    // Each step's prompt repeats the conversation so far: feed only what is new.
    const prompt = params.prompt;
    for (const message of prompt.slice(fedMessages)) {
      if (message.role === 'system') await session.message('system', message.content);
      else if (message.role === 'user') await session.message('user', message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n'));
    }
    fedMessages = Math.max(fedMessages, prompt.length);
  }

  async function admit(params: LanguageModelV3CallOptions, model: LanguageModelV3) {
    await feedPrompt(params);
    return session.beforeModelCall({ model: model.modelId, ...(params.maxOutputTokens !== undefined ? { maxOutputTokens: params.maxOutputTokens } : {}) });
  }

  async function record(model: LanguageModelV3, content: readonly LanguageModelV3Content[], finish: string, usage: LanguageModelV3Usage, reservationId: string | undefined) {
    const text = textOf(content);
    return session.modelCall({
      model: model.modelId,
      ...(usage.inputTokens.total !== undefined ? { inputTokens: usage.inputTokens.total } : {}),
      ...(usage.outputTokens.total !== undefined ? { outputTokens: usage.outputTokens.total } : {}),
      finishReasons: [FINISH[finish] ?? finish],
      ...(text !== undefined ? { text } : {}),
      toolCalls: toolCallsOf(content),
      ...(reservationId !== undefined ? { reservationId } : {}),
    });
  }

  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const admission = await admit(params, model);
      if (!admission.proceed) return haltedResult(admission.refusal!);
      let result: LanguageModelV3GenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        session.releaseModelCall(admission.reservationId);
        throw error;
      }
      const decision = await record(model, result.content, result.finishReason.unified, result.usage, admission.reservationId);
      // A final answer naming an invented id is held back; a streamed one is already out (flagged only).
      const withheld = withheldAnswer(decision);
      return withheld ? { ...result, content: [{ type: 'text', text: refusalText(withheld) }] } : result;
    },
    async wrapStream({ doStream, params, model }) {
      const admission = await admit(params, model);
      if (!admission.proceed) {
        const text = refusalText(admission.refusal!);
        const stream = new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            controller.enqueue({ type: 'text-start', id: 'agent-warden' });
            controller.enqueue({ type: 'text-delta', id: 'agent-warden', delta: text });
            controller.enqueue({ type: 'text-end', id: 'agent-warden' });
            controller.enqueue({ type: 'finish', finishReason: { unified: 'stop', raw: 'agent-warden' }, usage: EMPTY_USAGE });
            controller.close();
          },
        });
        return { stream };
      }
      let result;
      try {
        result = await doStream();
      } catch (error) {
        session.releaseModelCall(admission.reservationId);
        throw error;
      }
      // Buffer what the stream says into one model call, recorded when it finishes.
      const content: LanguageModelV3Content[] = [];
      let text = '';
      let finished = false;
      const observe = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        async transform(part, controller) {
          if (part.type === 'text-delta') text += part.delta;
          else if (part.type === 'tool-call') content.push(part);
          else if (part.type === 'finish') {
            finished = true;
            if (text !== '') content.unshift({ type: 'text', text });
            await record(model, content, part.finishReason.unified, part.usage, admission.reservationId);
          }
          controller.enqueue(part);
        },
        flush() {
          if (!finished) session.releaseModelCall(admission.reservationId);
        },
      });
      return { ...result, stream: result.stream.pipeThrough(observe) };
    },
  };
}

async function definitionsOf(tools: ToolSet) {
  return Promise.all(
    Object.entries(tools).map(async ([name, tool]) => ({
      name,
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: (await asSchema(tool.inputSchema).jsonSchema) as Record<string, unknown>,
    })),
  );
}

/**
 * Each tool's `execute` runs through the guard. A refused call never runs: the model gets the refusal
 * as the tool's result, and can recover. A result the guard withholds is replaced the same way.
 */
export function guardTools<TOOLS extends ToolSet>(session: GuardSession, tools: TOOLS): TOOLS {
  const defined = definitionsOf(tools).then((definitions) => session.defineTools(definitions));
  const guarded: Record<string, unknown> = {};
  for (const [name, tool] of Object.entries(tools)) {
    const execute = tool.execute;
    if (!execute) {
      guarded[name] = tool;
      continue;
    }
    guarded[name] = {
      ...tool,
      execute: async (input: unknown, options: { toolCallId: string }) => {
        await defined;
        const decision = await session.beforeToolCall({ callId: options.toolCallId, tool: name, arguments: (input ?? {}) as Record<string, unknown> });
        if (!decision.proceed) return decision.refusal;
        // The tool gets exactly what was checked: the frozen snapshot, not the model's object.
        const output: unknown = await execute((decision.arguments ?? input) as never, options as never);
        const checked = await session.afterToolCall({ callId: options.toolCallId, tool: name, result: output });
        return checked.proceed ? output : checked.refusal;
      },
    };
  }
  return guarded as TOOLS;
}

/** A stop condition for `stopWhen`: the run ends once the session is paused, killed or ended. */
export function stopWhenHalted<TOOLS extends ToolSet = ToolSet>(session: GuardSession): StopCondition<TOOLS> {
  return () => session.status !== 'active';
}

/**
 * The one-line install: spread into `generateText` / `streamText`.
 * Returns the wrapped model, the guarded tools, and `stopWhen` with the guard's halt added to yours.
 */
export function guardAiSdk<TOOLS extends ToolSet>(session: GuardSession, settings: { model: LanguageModel; tools?: TOOLS; stopWhen?: StopCondition<NoInfer<TOOLS>> | Array<StopCondition<NoInfer<TOOLS>>> }) {
  if (typeof settings.model === 'string') throw new TypeError('agent-warden/ai-sdk: pass a model instance, not a gateway model id string');
  const model = wrapLanguageModel({ model: settings.model as LanguageModelV3, middleware: wardenMiddleware(session) });
  const own = settings.stopWhen === undefined ? [] : Array.isArray(settings.stopWhen) ? settings.stopWhen : [settings.stopWhen];
  return {
    model,
    tools: (settings.tools ? guardTools(session, settings.tools) : undefined) as TOOLS,
    stopWhen: [stopWhenHalted<NoInfer<TOOLS>>(session), ...own],
  };
}
