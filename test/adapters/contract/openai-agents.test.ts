import { Agent, OutputGuardrailTripwireTriggered, run, tool, Usage } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall, modelError, modelResponse } from '@openai/agents-core/testing';
import { guardAgent } from '../../../adapters/openai-agents/index.js';
import { adapterContract, USAGE, type Turn } from './suite.js';

const usage = (input: number, output: number) => new Usage({ requests: 1, inputTokens: input, outputTokens: output, totalTokens: input + output });

function step(turn: Turn) {
  if ('fail' in turn) return modelError(new Error(turn.fail));
  if ('say' in turn) return modelResponse({ usage: usage(USAGE.say.input, USAGE.say.output), output: [assistantMessage(turn.say)] });
  return modelResponse({ usage: usage(turn.inputTokens ?? USAGE.call.input, USAGE.call.output), output: [functionCall(turn.call.tool, turn.call.args, { callId: turn.call.id })] });
}

adapterContract({
  framework: 'OpenAI Agents SDK (@openai/agents-core)',
  // A tool's error reaches the guard as the SDK's error text (its errorFunction), not as a thrown error.
  toolErrorsVisible: false,
  async run(session, script, specs) {
    const model = new ScriptedModel([...script.map(step), ...Array.from({ length: 4 }, () => step({ say: 'Done.' }))]);
    // The SDK's tools return text to the model: results are JSON.
    const tools = specs.map((spec) => tool({ name: spec.name, description: spec.description, parameters: spec.schema, execute: async (args) => JSON.stringify(await spec.execute(args as Record<string, unknown>)) }));
    const agent = guardAgent(session, new Agent({ name: 'orders', instructions: 'You answer order questions.', model, tools }));
    let result: { history: unknown[]; interruptions?: unknown[]; finalOutput?: unknown } | undefined;
    let error: unknown;
    let withheld = false;
    try {
      result = await run(agent, 'Hi, I am cust_789. Has my last order shipped?');
    } catch (caught) {
      if (caught instanceof OutputGuardrailTripwireTriggered) withheld = true;
      else error = caught;
    }
    const items = (result?.history ?? []) as Array<{ type?: string; callId?: string; output?: unknown }>;
    const interrupted = (result?.interruptions ?? []).length > 0;
    return {
      answer: typeof result?.finalOutput === 'string' ? result.finalOutput : undefined,
      withheld,
      providerCalls: model.calls.length,
      toolsShown: model.calls.map((call) => call.request.tools.map((shown) => shown.name)),
      interrupted,
      toolOutput(callId) {
        const item = items.find((entry) => entry.type === 'function_call_result' && entry.callId === callId);
        if (!item) return undefined;
        const output = item.output as { text?: string } | string;
        return typeof output === 'string' ? output : (output.text ?? JSON.stringify(output));
      },
      ...(error !== undefined ? { error } : {}),
    };
  },
});
