/**
 * The OpenAI Agents SDK with agent-warden in one line, driven by the SDK's own ScriptedModel (no key):
 * a repeated call pauses the run as an approval interruption; a human approves and it resumes.
 * Run: npm run build && node dist/examples/openai-agents.js
 */
import { Agent, run, setTracingDisabled, tool, Usage } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall, modelResponse } from '@openai/agents-core/testing';
import { z } from 'zod';
import { createGuard } from 'agent-warden';
import { guardAgent } from 'agent-warden/openai-agents';

setTracingDisabled(true);
const usage = new Usage({ requests: 1, inputTokens: 600, outputTokens: 30, totalTokens: 630 });
const calls = (name: string, args: object, callId: string) => modelResponse({ usage, output: [functionCall(name, args as Record<string, unknown>, { callId })] });
const model = new ScriptedModel([
  calls('list_orders', { customer_id: 'cust_789' }, 'c0'),
  ...[1, 2, 3, 4].map((attempt) => calls('get_order', { order_id: 'ord_1001' }, `g${attempt}`)),
  modelResponse({ usage, output: [assistantMessage('Your order ord_1001 has shipped.')] }),
]);
const agent = new Agent({
  name: 'orders',
  instructions: 'Answer order questions.',
  model,
  tools: [
    tool({ name: 'list_orders', description: 'List orders', parameters: z.object({ customer_id: z.string() }), execute: async () => '["ord_1001"]' }),
    tool({ name: 'get_order', description: 'Fetch an order', parameters: z.object({ order_id: z.string() }), execute: async () => '{"status": "processing"}' }),
  ],
});

const session = await createGuard().startSession({ entities: { customer_id: 'cust_789' } });
const guarded = guardAgent(session, agent);
const first = await run(guarded, 'Hi, I am cust_789. Has my order shipped yet?');
console.log(`interrupted for approval: ${first.interruptions.map((item) => item.name).join(', ')} (session ${session.status})`);
first.state.approve(first.interruptions[0]!);
const resumed = await run(guarded, first.state);
console.log(`approved and resumed; answer: ${resumed.finalOutput}`);
