import { describe, expect, it, vi } from 'vitest';
import { createGuard } from '../../../src/index.js';
import { guardAiSdk } from '../../../adapters/ai-sdk/index.js';
import { generateText, stepCountIs, tool } from 'ai-v7';
import { z } from 'zod';
import { MockLanguageModelV4 } from 'ai-v7/test';
import { adapterContract } from './suite.js';
import { aiSdkHarness, type AiSdkMajor } from './ai-sdk-harness.js';

// The adapter imports `ai`: here that is ai 7 (installed under the alias `ai-v7`, with @ai-sdk/provider 4).
vi.mock('ai', async () => await import('ai-v7'));

adapterContract(aiSdkHarness('Vercel AI SDK 7 (ai 7, @ai-sdk/provider 4)', { generateText, stepCountIs, tool, MockLanguageModel: MockLanguageModelV4 } as unknown as AiSdkMajor));

describe('agent-warden/ai-sdk on ai 7', () => {
  it('wraps the model with ai 7 itself (a V4 model), not a copy of ai 6', async () => {
    const session = await createGuard().startSession();
    const model = new MockLanguageModelV4({ modelId: 'm', doGenerate: [] });
    expect((guardAiSdk(session, { model: model as never }).model as { specificationVersion: string }).specificationVersion).toBe('v4');
  });

  it('keeps a streaming tool, a transformed input and the default single step as ai 7 runs them unguarded', async () => {
    const tools = {
      track: tool({
        inputSchema: z.object({ order_number: z.number() }).transform(({ order_number }) => ({ order_id: `ord_${order_number}` })),
        async *execute({ order_id }: { order_id: string }) {
          yield { order_id, status: 'looking up' };
          yield { order_id, status: 'shipped' };
        },
      }),
    };
    const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
    const script = () => [
      { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'track', input: '{"order_number":1001}' }], finishReason: { unified: 'tool-calls', raw: 'x' }, usage, warnings: [] },
      { content: [{ type: 'text', text: 'Shipped.' }], finishReason: { unified: 'stop', raw: 'x' }, usage, warnings: [] },
    ];
    const outputs = (result: { steps: Array<{ content: Array<{ type: string; output?: unknown }> }> }) => result.steps.map((step) => step.content.filter((part) => part.type === 'tool-result').map((part) => part.output));
    const prompt = 'Hi, my order is ord_1001.';
    const plain = await generateText({ prompt, model: new MockLanguageModelV4({ doGenerate: script() as never }), tools });
    const session = await createGuard().startSession();
    const guarded = await generateText({ prompt, ...guardAiSdk(session, { model: new MockLanguageModelV4({ doGenerate: script() as never }) as never, tools: tools as never }) } as never);
    expect(outputs(plain)).toEqual([[{ order_id: 'ord_1001', status: 'shipped' }]]);
    expect(outputs(guarded as never)).toEqual(outputs(plain));
  });

  it('a tool whose description is a function of the context (ai 7) is listed without it and runs as unguarded', async () => {
    const executed: string[] = [];
    const tools = { list_orders: tool({ description: () => "List a customer's orders", inputSchema: z.object({ customer_id: z.string() }), execute: async ({ customer_id }: { customer_id: string }) => (executed.push(customer_id), ['ord_1001']) }) };
    const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
    const session = await createGuard().startSession({ entities: { customer_id: 'cust_789' } });
    const model = new MockLanguageModelV4({ doGenerate: [{ content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'list_orders', input: '{"customer_id":"cust_789"}' }], finishReason: { unified: 'tool-calls', raw: 'x' }, usage, warnings: [] }] as never });
    await generateText({ prompt: 'Hi, I am cust_789.', ...guardAiSdk(session, { model: model as never, tools: tools as never }) } as never);
    expect(executed).toEqual(['cust_789']);
    expect(session.pendingDefinitions()).toEqual([]);
  });
});

