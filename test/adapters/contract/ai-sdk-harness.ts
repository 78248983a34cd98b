import { guardAiSdk } from '../../../adapters/ai-sdk/index.js';
import { USAGE, type Harness, type Turn } from './suite.js';

/** What the harness needs from one major of `ai` and its mock model (the test passes ai 6 or ai 7). */
export interface AiSdkMajor {
  generateText: (options: any) => Promise<{ text: string; steps: Array<{ content: Array<{ type: string; toolCallId?: string; output?: unknown; error?: unknown }> }> }>;
  stepCountIs: (count: number) => unknown;
  tool: (definition: any) => unknown;
  MockLanguageModel: new (options: { modelId: string; doGenerate: (options: unknown) => Promise<unknown> }) => { doGenerateCalls: Array<{ tools?: Array<{ name: string }> }> };
}

const usage = (input: number, output: number) => ({ inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: output, text: output, reasoning: 0 } });

function response(turn: Turn) {
  if ('fail' in turn) throw new Error(turn.fail);
  if ('say' in turn) return { content: [{ type: 'text', text: turn.say }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(USAGE.say.input, USAGE.say.output), warnings: [] };
  return {
    content: [{ type: 'tool-call', toolCallId: turn.call.id, toolName: turn.call.tool, input: JSON.stringify(turn.call.args) }],
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage: usage(turn.inputTokens ?? USAGE.call.input, USAGE.call.output),
    warnings: [],
  };
}

/** The contract's harness for the Vercel AI SDK: `generateText` with the framework's mock model. */
export function aiSdkHarness(framework: string, ai: AiSdkMajor): Harness {
  return {
    framework,
    toolErrorsVisible: true,
    async run(session, script, specs) {
      const turns = [...script];
      const model = new ai.MockLanguageModel({ modelId: 'mock-gpt', doGenerate: async () => response(turns.shift() ?? { say: 'Done.' }) });
      const tools = Object.fromEntries(specs.map((spec) => [spec.name, ai.tool({ description: spec.description, inputSchema: spec.schema, execute: spec.execute })]));
      const settings = guardAiSdk(session, { model: model as never, tools: tools as never, stopWhen: ai.stepCountIs(12) as never });
      let result: Awaited<ReturnType<AiSdkMajor['generateText']>> | undefined;
      let error: unknown;
      try {
        result = await ai.generateText({ prompt: 'Hi, I am cust_789. Has my last order shipped?', maxRetries: 0, ...settings });
      } catch (caught) {
        error = caught;
      }
      const parts = result?.steps.flatMap((step) => step.content) ?? [];
      const lastStep = result?.steps.at(-1);
      const answer = result && lastStep?.content.every((part) => part.type === 'text') ? result.text : undefined;
      return {
        answer,
        withheld: answer !== undefined && /^Model output refused/.test(answer),
        providerCalls: model.doGenerateCalls.length,
        toolsShown: model.doGenerateCalls.map((call) => (call.tools ?? []).map((shown) => shown.name)),
        interrupted: session.status === 'paused' && answer === undefined,
        toolOutput(callId) {
          const part = parts.find((item) => (item.type === 'tool-result' || item.type === 'tool-error') && item.toolCallId === callId);
          if (!part) return undefined;
          const value = part.type === 'tool-result' ? part.output : part.error;
          return typeof value === 'string' ? value : JSON.stringify(value instanceof Error ? value.message : value);
        },
        ...(error !== undefined ? { error } : {}),
      };
    },
  };
}
