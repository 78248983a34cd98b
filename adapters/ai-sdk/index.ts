/**
 * agent-warden/ai-sdk: the guard in the Vercel AI SDK (`ai` 6 and 7), installed in one line.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const result = await generateText({ prompt, ...guardAiSdk(session, { model, tools, stopWhen: stepCountIs(8) }) });
 */
import { asSchema, stepCountIs, wrapLanguageModel, type LanguageModel, type LanguageModelMiddleware, type StopCondition, type Tool, type ToolSet } from 'ai';
import { guardTool } from './guarded-tool.js';
import { MessageFeed, refusalText, toolListing, type ToolListing, type ConversationMessage, type GuardSession, type ModelOutput, type ModelRequestInput, type ModelToolCall } from '../../src/index.js';
import { toolArguments } from '../../src/text/index.js';

// The provider types differ by major (V3 for `ai` 6, V4 for `ai` 7) but not in what the guard reads:
// the shapes below are what both majors share, and results are typed from the installed `ai`.
type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapGenerate']>>>;
type StreamResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapStream']>>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
type CallOptions = Parameters<NonNullable<LanguageModelMiddleware['wrapGenerate']>>[0]['params'];

interface ContentPart {
  type: string;
  text?: string;
  toolCallId?: string;
  toolName?: string;
  input?: string;
}
interface Usage {
  inputTokens: { total: number | undefined };
  outputTokens: { total: number | undefined };
}
interface PromptMessage {
  role: string;
  content: unknown;
}

const FINISH: Record<string, string> = { stop: 'stop', length: 'length', 'content-filter': 'content_filter', 'tool-calls': 'tool_calls', error: 'error', other: 'other' };

function toolCallsOf(content: readonly ContentPart[]): ModelToolCall[] {
  return content.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.toolCallId!, name: part.toolName!, arguments: toolArguments(part.input ?? '') }] : []));
}

function textOf(content: readonly ContentPart[]): string | undefined {
  const text = content.flatMap((part) => (part.type === 'text' && part.text !== undefined ? [part.text] : [])).join('');
  return text === '' ? undefined : text;
}

/** A prompt message as the guard reads it: its text (tool results as JSON, for the size estimate). */
function conversationOf(prompt: readonly PromptMessage[]): ConversationMessage[] {
  return prompt.map((message) => {
    if (typeof message.content === 'string') return { role: message.role, text: message.content };
    const parts = Array.isArray(message.content) ? (message.content as Array<{ type?: string; text?: unknown; output?: unknown }>) : [];
    const text = parts.map((part) => (typeof part.text === 'string' ? part.text : part.type === 'tool-result' ? JSON.stringify(part.output ?? null) : '')).join(message.role === 'user' ? '\n' : '');
    return { role: message.role, text };
  });
}

function outputOf(content: readonly ContentPart[], finish: string, usage: Usage): ModelOutput {
  const text = textOf(content);
  return {
    ...(usage.inputTokens.total !== undefined ? { inputTokens: usage.inputTokens.total } : {}),
    ...(usage.outputTokens.total !== undefined ? { outputTokens: usage.outputTokens.total } : {}),
    finishReasons: [(Object.hasOwn(FINISH, finish) ? FINISH[finish] : undefined) ?? finish],
    ...(text !== undefined ? { text } : {}),
    toolCalls: toolCallsOf(content),
  };
}

const EMPTY_USAGE = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

/** What the model returns instead of calling the provider when the session may not go on. */
function textResult(text: string, warnings: GenerateResult['warnings'] = []): GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'agent-warden' }, usage: EMPTY_USAGE, warnings } as GenerateResult;
}

function textStream(text: string): ReadableStream<StreamPart> {
  const parts = [
    { type: 'text-start', id: 'agent-warden' },
    { type: 'text-delta', id: 'agent-warden', delta: text },
    { type: 'text-end', id: 'agent-warden' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'agent-warden' }, usage: EMPTY_USAGE },
  ] as StreamPart[];
  return new ReadableStream<StreamPart>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Each session's latest tool listing (`guardTools`), so a model call is shaped after its definitions were checked. */
const listed = new WeakMap<GuardSession, ToolListing>();

/**
 * A language-model middleware that runs every model call through the session's model-call protocol:
 * new user and system messages fed (trusted context), budget reserved with an estimate, usage, finish
 * reason, text and tool calls recorded. A session that is paused, killed or out of budget answers with
 * the refusal instead of calling the provider, so the run ends cleanly.
 */
export function wardenMiddleware(session: GuardSession): LanguageModelMiddleware {
  const feed = new MessageFeed();
  /** The call's tools without those whose definitions carry instructions aimed at the model (tool poisoning): it never reads them. */
  const withoutPoisoned = async (params: CallOptions): Promise<CallOptions> => {
    const tools = params.tools as readonly unknown[] | undefined;
    if (tools === undefined || tools.length === 0) return params;
    // The tools' definitions reach the session when guardTools lists them: wait for that first.
    await listed.get(session)?.settled();
    const shown = session.shownTools(tools);
    return shown === tools ? params : ({ ...params, tools: shown } as CallOptions);
  };
  const requestOf = (params: CallOptions, model: { modelId: string }): ModelRequestInput => ({
    model: model.modelId,
    messages: conversationOf(params.prompt as readonly PromptMessage[]),
    feed,
    ...(params.maxOutputTokens !== undefined ? { maxOutputTokens: params.maxOutputTokens } : {}),
  });

  return {
    specificationVersion: 'v3',
    transformParams: ({ params }) => withoutPoisoned(params),
    async wrapGenerate({ doGenerate, params, model }) {
      const outcome = await session.guardModelCall(requestOf(params, model), doGenerate, (result) => outputOf(result.content as ContentPart[], result.finishReason.unified, result.usage));
      if (outcome.refusal) return textResult(refusalText(outcome.refusal));
      // A final answer naming an invented id is held back; a streamed one is already out (flagged only).
      return outcome.withheld ? { ...outcome.value!, content: textResult(refusalText(outcome.withheld)).content } : outcome.value!;
    },
    async wrapStream({ doStream, params, model }) {
      const ticket = await session.openModelCall(requestOf(params, model));
      if (!ticket.proceed) return { stream: textStream(refusalText(ticket.refusal!)) };
      let result: StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        ticket.fail();
        throw error;
      }
      // Buffer what the stream says into one model call, recorded when it finishes.
      const content: ContentPart[] = [];
      let text = '';
      const observe = new TransformStream<StreamPart, StreamPart>({
        async transform(part, controller) {
          const seen = part as ContentPart & { delta?: string; finishReason?: { unified: string }; usage?: Usage };
          if (seen.type === 'text-delta') text += seen.delta ?? '';
          else if (seen.type === 'tool-call') content.push(seen);
          else if (seen.type === 'finish') {
            if (text !== '') content.unshift({ type: 'text', text });
            await ticket.finish(outputOf(content, seen.finishReason!.unified, seen.usage!));
          }
          controller.enqueue(part);
        },
        flush() {
          // A stream that ended without finishing gives its reservation back (nothing once finished).
          ticket.fail();
        },
      });
      return { ...result, stream: result.stream.pipeThrough(observe) };
    },
  } as LanguageModelMiddleware;
}

/**
 * The JSON Schema of what `execute` receives, which is what the guard checks: the schema's output side
 * (defaults filled in, transforms applied) where the schema library gives one (Standard JSON Schema, as
 * zod 4 does), else the input schema (the same for a plain JSON Schema).
 */
async function parsedInputSchemaOf(inputSchema: Tool['inputSchema']): Promise<Record<string, unknown>> {
  const output = (inputSchema as { '~standard'?: { jsonSchema?: { output?: unknown } } } | undefined)?.['~standard']?.jsonSchema?.output;
  if (typeof output === 'function') {
    try {
      // A value no JSON Schema can describe (a transform's result, a Date) is accepted as any: the SDK validated it already.
      return (output as (options: object) => Record<string, unknown>)({ target: 'draft-07', libraryOptions: { unrepresentable: 'any' } });
    } catch {
      // A library that cannot describe its output: the input schema below.
    }
  }
  return (await asSchema(inputSchema).jsonSchema) as Record<string, unknown>;
}

async function definitionsOf(tools: ToolSet) {
  return Promise.all(
    Object.entries(tools).map(async ([name, tool]) => ({
      name,
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: await parsedInputSchemaOf(tool.inputSchema),
    })),
  );
}

/**
 * Each tool's `execute` runs through the session's tool-call protocol with the input the SDK parsed.
 * A refused call never runs: the model gets the refusal as the tool's result, and can recover. A result
 * the guard withholds is replaced the same way; a tool that throws is recorded, then rethrown; a guard
 * that throws refuses the call with GUARD_ERROR (or lets it run, if the policy fails open). Everything
 * else about each tool is kept as it is (see guarded-tool.ts); streaming tools still stream.
 */
export function guardTools<TOOLS extends ToolSet>(session: GuardSession, tools: TOOLS): TOOLS {
  const listing = toolListing(() => definitionsOf(tools).then((definitions) => session.defineTools(definitions)));
  listed.set(session, listing);
  const ready = () => listing.ready();
  const guarded: Record<string, unknown> = {};
  for (const [name, tool] of Object.entries(tools)) guarded[name] = guardTool(session, name, tool, ready);
  return guarded as TOOLS;
}

/** A stop condition for `stopWhen`: the run ends once the session is paused, killed or ended. */
export function stopWhenHalted<TOOLS extends ToolSet = ToolSet>(session: GuardSession): StopCondition<TOOLS> {
  return () => session.status !== 'active';
}

/** What `guardAiSdk` returns: spread it into `generateText` / `streamText`. */
export interface GuardedAiSdkSettings<TOOLS extends ToolSet> {
  model: LanguageModel;
  tools: TOOLS;
  stopWhen: Array<StopCondition<NoInfer<TOOLS>>>;
}

/**
 * The one-line install: spread into `generateText` / `streamText`.
 * Returns the wrapped model, the guarded tools, and `stopWhen` with the guard's halt added to yours.
 */
export function guardAiSdk<TOOLS extends ToolSet>(
  session: GuardSession,
  settings: { model: LanguageModel; tools?: TOOLS; stopWhen?: StopCondition<NoInfer<TOOLS>> | Array<StopCondition<NoInfer<TOOLS>>> },
): GuardedAiSdkSettings<TOOLS> {
  if (typeof settings.model === 'string') throw new TypeError('agent-warden/ai-sdk: pass a model instance, not a gateway model id string');
  const model = wrapLanguageModel({ model: settings.model as Parameters<typeof wrapLanguageModel>[0]['model'], middleware: wardenMiddleware(session) });
  // No stopWhen of yours means the SDK's default, one step: the guard's halt is added to it, never put in its place.
  const own = settings.stopWhen === undefined ? [stepCountIs(1) as StopCondition<NoInfer<TOOLS>>] : Array.isArray(settings.stopWhen) ? settings.stopWhen : [settings.stopWhen];
  return {
    model,
    tools: (settings.tools ? guardTools(session, settings.tools) : undefined) as TOOLS,
    stopWhen: [stopWhenHalted<NoInfer<TOOLS>>(session), ...own],
  };
}
