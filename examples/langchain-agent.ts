/**
 * LangChain.js v1 `createAgent` with agent-warden as one middleware, driven by LangChain's own fake
 * model (no key): the session's token budget runs out and the run ends cleanly instead of crashing.
 * Run: npm run build && node dist/examples/langchain-agent.js
 */
import { AIMessage, createAgent, HumanMessage, tool } from 'langchain';
import { fakeModel } from '@langchain/core/testing';
import { MemorySaver } from '@langchain/langgraph';
import { z } from 'zod';
import { createGuard } from 'agent-warden';
import { wardenMiddleware } from 'agent-warden/langchain';

const model = fakeModel();
for (let page = 1; page <= 10; page += 1) {
  model.respond(new AIMessage({ content: '', tool_calls: [{ name: 'search_docs', args: { query: 'refund policy', page }, id: `s${page}`, type: 'tool_call' }], usage_metadata: { input_tokens: 3_000 * page, output_tokens: 40, total_tokens: 3_000 * page + 40 } }));
}
const searchDocs = tool(async ({ page }) => `page ${page}: nothing relevant`, { name: 'search_docs', description: 'Search the docs', schema: z.object({ query: z.string(), page: z.number() }) });

const session = await createGuard({ policy: { budget: { maxTokens: 20_000 } } }).startSession();
const agent = createAgent({ model, tools: [searchDocs], middleware: [wardenMiddleware(session)], checkpointer: new MemorySaver() });
const result = await agent.invoke({ messages: [new HumanMessage('What is the refund policy?')] }, { configurable: { thread_id: 'example' } });
console.log(`tokens spent: ${session.spend.tokens} of 20000; session ${session.status}`);
console.log(`last message: ${String(result.messages.at(-1)!.content).slice(0, 160)}`);
