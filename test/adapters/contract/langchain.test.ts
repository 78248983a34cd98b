import { AIMessage, createAgent, HumanMessage, tool, type BaseMessage, type ToolMessage } from 'langchain';
import { fakeModel } from '@langchain/core/testing';
import { MemorySaver } from '@langchain/langgraph';
import { wardenMiddleware } from '../../../adapters/langchain/index.js';
import { adapterContract, USAGE, type Turn } from './suite.js';

function message(turn: Turn): AIMessage | Error {
  if ('fail' in turn) return new Error(turn.fail);
  if ('say' in turn) return new AIMessage({ content: turn.say, usage_metadata: { input_tokens: USAGE.say.input, output_tokens: USAGE.say.output, total_tokens: USAGE.say.input + USAGE.say.output } });
  const input = turn.inputTokens ?? USAGE.call.input;
  return new AIMessage({
    content: '',
    tool_calls: [{ name: turn.call.tool, args: turn.call.args, id: turn.call.id, type: 'tool_call' }],
    usage_metadata: { input_tokens: input, output_tokens: USAGE.call.output, total_tokens: input + USAGE.call.output },
  });
}

const textOf = (item: BaseMessage) => (typeof item.content === 'string' ? item.content : JSON.stringify(item.content));

adapterContract({
  framework: 'LangChain.js (langchain createAgent)',
  toolErrorsVisible: true,
  async run(session, script, specs) {
    const model = fakeModel();
    for (const turn of [...script, { say: 'Done.' }, { say: 'Done.' }]) model.respond(message(turn));
    // The agent binds the tools it shows the model on every model call.
    const toolsShown: string[][] = [];
    const bind = model.bindTools.bind(model);
    model.bindTools = (bound) => (toolsShown.push(bound.map((item) => (item as { name: string }).name)), bind(bound));
    // LangChain tools return text to the model: results are JSON.
    const tools = specs.map((spec) => tool(async (args) => JSON.stringify(await spec.execute(args as Record<string, unknown>)), { name: spec.name, description: spec.description, schema: spec.schema }));
    const agent = createAgent({ model, tools, middleware: [wardenMiddleware(session)], checkpointer: new MemorySaver() });
    let messages: BaseMessage[] = [];
    let interrupted = false;
    let error: unknown;
    try {
      const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789. Has my last order shipped?')] }, { configurable: { thread_id: 'contract' } });
      messages = result.messages;
      interrupted = ((result as { __interrupt__?: unknown[] }).__interrupt__ ?? []).length > 0;
    } catch (caught) {
      error = caught;
    }
    const last = messages.at(-1);
    const answer = !interrupted && last?.type === 'ai' && ((last as AIMessage).tool_calls ?? []).length === 0 ? textOf(last) : undefined;
    return {
      answer,
      withheld: answer !== undefined && /^Model output refused/.test(answer),
      providerCalls: model.callCount,
      toolsShown,
      interrupted,
      toolOutput(callId) {
        const reply = messages.find((item) => item.type === 'tool' && (item as ToolMessage).tool_call_id === callId);
        return reply ? textOf(reply) : undefined;
      },
      ...(error !== undefined ? { error } : {}),
    };
  },
});
