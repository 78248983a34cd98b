/**
 * Each framework adapter's added time per tool call: the same scripted multi-step run (8 tool calls,
 * distinct arguments, then an answer) with and without the guard, driven by the framework's own fake model.
 */
import { Bench, type Task } from 'tinybench';
import { generateText, stepCountIs, tool as aiTool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { Agent, run, setTracingDisabled, tool as agentsTool, Usage } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall, modelResponse } from '@openai/agents-core/testing';
import { AIMessage, createAgent, HumanMessage, tool as lcTool } from 'langchain';
import { fakeModel } from '@langchain/core/testing';
import { z } from 'zod';
import { createGuard } from '../src/index.js';
import { guardAiSdk } from '../adapters/ai-sdk/index.js';
import { guardAgent } from '../adapters/openai-agents/index.js';
import { wardenMiddleware } from '../adapters/langchain/index.js';

export const CALLS = 8;
const PROMPT = 'Hi, I am cust_789. Show me the status of my orders.';
const guard = createGuard({ policy: { limits: { maxSessions: 100 } } });
const session = () => guard.startSession({ entities: { customer_id: 'cust_789' } });
setTracingDisabled(true);

function aiSdkRun(guarded: boolean) {
  const usage = { inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 10, text: 10, reasoning: 0 } };
  return async () => {
    const steps = Array.from({ length: CALLS }, (_, index) => ({ content: [{ type: 'tool-call' as const, toolCallId: `c${index}`, toolName: 'list_orders', input: JSON.stringify({ customer_id: 'cust_789', page: index }) }], finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' }, usage, warnings: [] }));
    const model = new MockLanguageModelV3({ doGenerate: [...steps, { content: [{ type: 'text', text: 'Done.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] }] });
    const tools = { list_orders: aiTool({ inputSchema: z.object({ customer_id: z.string(), page: z.number() }), execute: async ({ page }) => [`ord_${1000 + page}`] }) };
    const settings = guarded ? guardAiSdk(await session(), { model, tools, stopWhen: stepCountIs(20) }) : { model, tools, stopWhen: stepCountIs(20) };
    await generateText({ prompt: PROMPT, ...settings });
  };
}

function openAiAgentsRun(guarded: boolean) {
  const usage = new Usage({ requests: 1, inputTokens: 100, outputTokens: 10, totalTokens: 110 });
  return async () => {
    const model = new ScriptedModel([
      ...Array.from({ length: CALLS }, (_, index) => modelResponse({ usage, output: [functionCall('list_orders', { customer_id: 'cust_789', page: index }, { callId: `c${index}` })] })),
      modelResponse({ usage, output: [assistantMessage('Done.')] }),
    ]);
    const listOrders = agentsTool({ name: 'list_orders', description: 'List orders', parameters: z.object({ customer_id: z.string(), page: z.number() }), execute: async ({ page }) => `["ord_${1000 + page}"]` });
    const agent = new Agent({ name: 'orders', model, tools: [listOrders] });
    await run(guarded ? guardAgent(await session(), agent) : agent, PROMPT);
  };
}

function langChainRun(guarded: boolean) {
  return async () => {
    const model = fakeModel();
    for (let index = 0; index < CALLS; index += 1) {
      model.respond(new AIMessage({ content: '', tool_calls: [{ name: 'list_orders', args: { customer_id: 'cust_789', page: index }, id: `c${index}`, type: 'tool_call' }], usage_metadata: { input_tokens: 100, output_tokens: 10, total_tokens: 110 } }));
    }
    model.respond(new AIMessage('Done.'));
    const listOrders = lcTool(async ({ page }) => `["ord_${1000 + page}"]`, { name: 'list_orders', description: 'List orders', schema: z.object({ customer_id: z.string(), page: z.number() }) });
    const agent = createAgent({ model, tools: [listOrders], middleware: guarded ? [wardenMiddleware(await session())] : [] });
    await agent.invoke({ messages: [new HumanMessage(PROMPT)] }, { recursionLimit: 100 });
  };
}

export async function adapterOverhead(): Promise<Array<{ framework: string; tasks: Task[] }>> {
  const results = [];
  for (const [framework, make] of [
    ['Vercel AI SDK', aiSdkRun],
    ['OpenAI Agents SDK', openAiAgentsRun],
    ['LangChain.js createAgent', langChainRun],
  ] as const) {
    const bench = new Bench({ time: 1_500, iterations: 10 });
    bench.add(`floor: ${framework}, ${CALLS} tool calls, no guard`, make(false)).add(`${framework} with agent-warden`, make(true));
    await bench.run();
    results.push({ framework, tasks: bench.tasks });
  }
  return results;
}
