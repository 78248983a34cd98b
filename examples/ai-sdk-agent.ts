/**
 * The Vercel AI SDK with agent-warden in one line, driven by the SDK's own mock model (no key needed):
 * the model invents an order id, the guard refuses it, the model recovers.
 * Run: npm run build && node dist/examples/ai-sdk-agent.js
 */
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { createGuard } from 'agent-warden';
import { guardAiSdk } from 'agent-warden/ai-sdk';

const orders: Record<string, object> = { ord_1001: { order_id: 'ord_1001', customer_id: 'cust_789', status: 'shipped' } };
const usage = { inputTokens: { total: 600, noCache: 600, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 30, text: 30, reasoning: 0 } };
const toolCall = (id: string, name: string, input: object) => ({ content: [{ type: 'tool-call' as const, toolCallId: id, toolName: name, input: JSON.stringify(input) }], finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' }, usage, warnings: [] });
const model = new MockLanguageModelV3({
  modelId: 'scripted',
  doGenerate: [
    toolCall('c1', 'get_order', { order_id: 'ord_555' }),
    toolCall('c2', 'list_orders', { customer_id: 'cust_789' }),
    toolCall('c3', 'get_order', { order_id: 'ord_1001' }),
    { content: [{ type: 'text', text: 'Your order ord_1001 has shipped.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] },
  ],
});
const tools = {
  list_orders: tool({ inputSchema: z.object({ customer_id: z.string() }), execute: async () => ['ord_1001'] }),
  get_order: tool({ inputSchema: z.object({ order_id: z.string() }), execute: async ({ order_id }) => orders[order_id] ?? { error: 'not found' } }),
};

const session = await createGuard().startSession({ entities: { customer_id: 'cust_789' } });
const result = await generateText({ prompt: 'Hi, I am cust_789. Has my last order shipped?', ...guardAiSdk(session, { model, tools, stopWhen: stepCountIs(8) }) });
for (const [index, step] of result.steps.entries()) {
  for (const output of step.toolResults) console.log(`step ${index + 1}: ${output.toolName}(${JSON.stringify(output.input)}) -> ${JSON.stringify(output.output).slice(0, 120)}`);
}
console.log(`answer: ${result.text}`);
