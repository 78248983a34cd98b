/**
 * A guarded OpenAI Agents function tool is the original but for the guard's hooks (needsApproval asks the
 * guard first, one input and one output guardrail added), and a guard that throws never crashes the run.
 */
import { describe, expect, it } from 'vitest';
import { Agent, run, tool, Usage, type FunctionTool } from '@openai/agents-core';
import { ScriptedModel, assistantMessage, functionCall, modelResponse } from '@openai/agents-core/testing';
import { z } from 'zod';
import { createGuard, type GuardOptions } from '../../../src/index.js';
import { guardAgent } from '../../../adapters/openai-agents/index.js';

const usage = new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 });
const calls = (name: string, args: Record<string, unknown>, callId: string) => modelResponse({ usage, output: [functionCall(name, args, { callId })] });
const says = (text: string) => modelResponse({ usage, output: [assistantMessage(text)] });
const PROMPT = 'Hi, I am cust_789; my order is ord_1001.';

function tools(executed: string[]) {
  return [
    tool({
      name: 'get_order',
      description: 'Fetch one order',
      parameters: z.object({ order_id: z.string() }),
      strict: true,
      execute: async ({ order_id }) => (executed.push(order_id), `Order ${order_id} has shipped.`),
    }),
    tool({
      name: 'track_parcel',
      description: "Track an order's parcel",
      parameters: z.object({ order_id: z.string() }),
      errorFunction: (_context, error) => `carrier said: ${(error as Error).message}`,
      execute: async () => {
        throw new Error('timed out');
      },
    }),
    tool({
      name: 'refund',
      description: 'Refund an order',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: true } as const,
      strict: false,
      needsApproval: async (_context, input) => (input as { order_id?: string }).order_id !== 'ord_0',
      execute: async (input) => (executed.push(`refund:${JSON.stringify(input)}`), 'refunded'),
    }),
    tool({ name: 'admin_reset', description: 'Reset everything', parameters: z.object({}), isEnabled: () => false, execute: async () => 'reset' }),
  ];
}

async function both(script: () => ReturnType<typeof calls>[], options: GuardOptions = {}) {
  const plainExecuted: string[] = [];
  const plainModel = new ScriptedModel(script());
  const plain = await run(new Agent({ name: 'orders', model: plainModel, tools: tools(plainExecuted) }), PROMPT);
  const session = await createGuard(options).startSession({ entities: { customer_id: 'cust_789' } });
  const executed: string[] = [];
  const model = new ScriptedModel(script());
  const guarded = await run(guardAgent(session, new Agent({ name: 'orders', model, tools: tools(executed) })), PROMPT);
  return { plain, guarded, plainModel, model, executed, plainExecuted, session };
}

/** What the model was given back for each call (the function_call_result items of its last request), and the tools it was shown. */
const toolOutputs = (model: ScriptedModel) => (model.lastCall!.request.input as Array<{ type?: string; callId?: string; output?: unknown }>).filter((item) => item.type === 'function_call_result').map((item) => [item.callId, item.output]);
const toolsShown = (model: ScriptedModel) => model.calls.map((call) => call.request.tools.map((shown) => [shown.name, (shown as { strict?: boolean }).strict, JSON.stringify((shown as { parameters?: unknown }).parameters)]));

describe('a guarded function tool is the original but for the guard’s hooks', () => {
  it('keeps every own property (name, description, parameters, strict, isEnabled, invoke, anything else) of each tool', async () => {
    const session = await createGuard().startSession();
    const original = new Agent({ name: 'orders', model: new ScriptedModel([]), tools: tools([]) });
    const clone = guardAgent(session, original);
    original.tools.forEach((tool, index) => {
      const wrapped = clone.tools[index] as FunctionTool;
      expect(Object.getPrototypeOf(wrapped)).toBe(Object.getPrototypeOf(tool));
      for (const key of Reflect.ownKeys(tool)) {
        if (key === 'needsApproval' || key === 'inputGuardrails' || key === 'outputGuardrails') continue;
        expect(Object.getOwnPropertyDescriptor(wrapped, key), `${tool.name}.${String(key)}`).toEqual(Object.getOwnPropertyDescriptor(tool, key));
      }
      expect(Reflect.ownKeys(wrapped)).toEqual(expect.arrayContaining(Reflect.ownKeys(tool)));
    });
  });

  it('a tool built as a class instance (invoke and accessors on its prototype), or frozen, keeps them and runs', async () => {
    const executed: string[] = [];
    class OrderLookup {
      readonly type = 'function' as const;
      readonly name = 'get_order';
      readonly strict = true;
      readonly parameters = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: false } as const;
      get description() {
        return 'Fetch one order';
      }
      async needsApproval() {
        return false;
      }
      async isEnabled() {
        return true;
      }
      async invoke(_context: unknown, input: string) {
        const { order_id } = JSON.parse(input) as { order_id: string };
        executed.push(order_id);
        return `Order ${order_id} has shipped.`;
      }
    }
    const frozen = Object.freeze(tools(executed)[0]!);
    const script = () => [calls('get_order', { order_id: 'ord_1001' }, 'c1'), calls('get_order', { order_id: 'ord_555' }, 'c2'), says('Done.')];
    for (const lookup of [new OrderLookup() as unknown as FunctionTool, frozen]) {
      executed.length = 0;
      const session = await createGuard().startSession({ entities: { customer_id: 'cust_789' } });
      const model = new ScriptedModel(script());
      const agent = guardAgent(session, new Agent({ name: 'orders', model, tools: [lookup] }));
      expect(Object.getPrototypeOf(agent.tools[0])).toBe(Object.getPrototypeOf(lookup));
      expect(Object.isFrozen(agent.tools[0])).toBe(Object.isFrozen(lookup));
      const result = await run(agent, PROMPT);
      expect(executed).toEqual(['ord_1001']);
      expect(toolOutputs(model)[1]).toEqual(['c2', { type: 'text', text: expect.stringMatching(/^Call to get_order refused/) }]);
      expect(result.finalOutput).toBe('Done.');
    }
  });

  it('the model is shown the same tools (names, strict, parameters; a disabled one left out), and an errorFunction shapes a failure the same way', async () => {
    const script = () => [calls('get_order', { order_id: 'ord_1001' }, 'c1'), calls('track_parcel', { order_id: 'ord_1001' }, 'c2'), says('Done.')];
    const { plain, guarded, plainModel, model } = await both(script);
    expect(toolsShown(model)).toEqual(toolsShown(plainModel));
    expect(toolsShown(model)[0]!.map(([name]) => name)).not.toContain('admin_reset');
    expect(toolOutputs(model)).toEqual(toolOutputs(plainModel));
    expect(JSON.stringify(toolOutputs(model))).toContain('carrier said: timed out');
    expect(guarded.finalOutput).toBe(plain.finalOutput);
  });

  it("the tool's own needsApproval still interrupts the run, as unguarded", async () => {
    const script = () => [calls('refund', { order_id: 'ord_1001' }, 'c1'), says('Done.')];
    const { plain, guarded, executed } = await both(script);
    expect(plain.interruptions.map((item) => item.name)).toEqual(['refund']);
    expect(guarded.interruptions.map((item) => item.name)).toEqual(['refund']);
    expect(executed).toEqual([]);
  });

  it('a refusal reaches the model as the call’s output, where the SDK puts a tool’s error text, and the tool never runs', async () => {
    const { model, executed } = await both(() => [calls('get_order', { order_id: 'ord_555' }, 'c1'), says('Done.')]);
    expect(executed).toEqual([]);
    expect(toolOutputs(model)).toEqual([['c1', { type: 'text', text: expect.stringMatching(/^Call to get_order refused\..*ord_555/) }]]);
  });
});

describe('a guard that throws never crashes the run', () => {
  /** A guard whose clock can be made to fail: every event the session places then throws inside the guard. */
  async function breakable(options: GuardOptions = {}) {
    let broken = false;
    const clock = () => {
      if (broken) throw new Error('clock unavailable');
      return Date.now();
    };
    const session = await createGuard({ ...options, clock }).startSession({ entities: { customer_id: 'cust_789' } });
    return { session, setBroken: (value: boolean) => (broken = value) };
  }

  it('a tool listing the guard failed to take is taken again at the first call: the run goes on and the call is decided', async () => {
    const { session, setBroken } = await breakable();
    const executed: string[] = [];
    setBroken(true);
    const agent = guardAgent(session, new Agent({ name: 'orders', model: new ScriptedModel([calls('get_order', { order_id: 'ord_1001' }, 'c1'), calls('get_order', { order_id: 'ord_555' }, 'c2'), says('Done.')]), tools: tools(executed) }));
    await Promise.resolve();
    setBroken(false);
    const result = await run(agent, PROMPT);
    expect(executed).toEqual(['ord_1001']);
    expect(result.finalOutput).toBe('Done.');
  });

  it('a guard that stays broken: the tool call fails open when the policy says so (onCheckError: allow), never an exception', async () => {
    const { session, setBroken } = await breakable({ policy: { onCheckError: 'allow' } });
    setBroken(true);
    const executed: string[] = [];
    const model = new ScriptedModel([calls('get_order', { order_id: 'ord_1001' }, 'c1'), says('Done.')]);
    const result = await run(guardAgent(session, new Agent({ name: 'orders', model, tools: tools(executed) })), PROMPT);
    expect(executed).toEqual(['ord_1001']);
    expect(result.finalOutput).toBe('Done.');
  });

  it('fail closed (the default): the model call is refused with GUARD_ERROR and the run ends cleanly, the provider never called', async () => {
    const { session, setBroken } = await breakable();
    setBroken(true);
    const model = new ScriptedModel([calls('get_order', { order_id: 'ord_1001' }, 'c1'), says('Done.')]);
    const result = await run(guardAgent(session, new Agent({ name: 'orders', model, tools: tools([]) })), PROMPT);
    expect(String(result.finalOutput)).toMatch(/^Model call refused\. The guard failed while checking it \(clock unavailable\)/);
    expect(model.calls).toHaveLength(0);
  });
});
