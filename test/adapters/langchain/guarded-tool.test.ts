/**
 * LangChain tools guarded outside createAgent (guardTools) are the original tools but for invoke, and
 * the middleware never lets a guard that throws crash the agent.
 */
import { describe, expect, it } from 'vitest';
import { AIMessage, createAgent, createMiddleware, HumanMessage, tool, ToolMessage } from 'langchain';
import { fakeModel } from '@langchain/core/testing';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { z } from 'zod';
import { createGuard, type PolicyDocument } from '../../../src/index.js';
import { guardTools, wardenMiddleware } from '../../../adapters/langchain/index.js';

/** A guard whose clock can be made to fail: the guard then throws inside every decision. */
async function breakable(policy: PolicyDocument = {}) {
  let broken = false;
  const clock = () => {
    if (broken) throw new Error('clock unavailable');
    return Date.now();
  };
  const session = await createGuard({ policy, clock }).startSession({ entities: { customer_id: 'cust_789' } });
  await session.message('user', 'Hi, I am cust_789; my order is ord_1001.');
  return { session, breakGuard: () => (broken = true) };
}

class Recorder extends BaseCallbackHandler {
  name = 'recorder';
  events: unknown[] = [];
  override handleToolStart(_tool: unknown, input: string, _runId: string, _parent?: string, tags?: string[], metadata?: Record<string, unknown>, runName?: string, toolCallId?: string) {
    this.events.push(['start', input, tags, metadata, runName, toolCallId]);
  }
  override handleToolEnd(output: unknown) {
    this.events.push(['end', ToolMessage.isInstance(output) ? { content: output.content, artifact: output.artifact, id: output.tool_call_id } : output]);
  }
}

function orderTools(executed: string[], recorder?: Recorder) {
  return [
    tool(async ({ order_id }) => (executed.push(order_id), [`Order ${order_id} has shipped.`, { order_id, carrier: 'DHL' }]), {
      name: 'get_order',
      description: 'Fetch one order',
      schema: z.object({ order_id: z.string() }),
      responseFormat: 'content_and_artifact',
      returnDirect: true,
      metadata: { owner: 'orders-team' },
      tags: ['orders'],
      verbose: false,
      verboseParsingErrors: true,
      extras: { providerToolDefinition: { cache_control: { type: 'ephemeral' } } },
      ...(recorder ? { callbacks: [recorder] } : {}),
    }),
    tool(async ({ customer_id }) => (executed.push(customer_id), JSON.stringify(['ord_1001'])), { name: 'list_orders', description: "List a customer's orders", schema: z.object({ customer_id: z.string() }) }),
  ];
}

/** A tool as its callers invoke it (a ToolCall or plain arguments). */
type Invokable = { invoke(input: unknown, config?: unknown): Promise<unknown> };
const first = (tools: readonly unknown[]) => tools[0] as Invokable;

const message = (value: unknown) => {
  const tm = value as ToolMessage;
  return { content: tm.content, artifact: tm.artifact, tool_call_id: tm.tool_call_id, name: tm.name, status: tm.status };
};

describe('guardTools: a guarded LangChain tool is the original but for invoke', () => {
  it('keeps every own property (name, description, schema, returnDirect, responseFormat, metadata, tags, verbose, callbacks, extras) and the class', async () => {
    const { session } = await breakable();
    const originals = orderTools([], new Recorder());
    const guarded = guardTools(session, originals);
    originals.forEach((original, index) => {
      const wrapped = guarded[index]!;
      expect(Object.getPrototypeOf(wrapped)).toBe(Object.getPrototypeOf(original));
      for (const key of Reflect.ownKeys(original)) expect(Object.getOwnPropertyDescriptor(wrapped, key), String(key)).toEqual(Object.getOwnPropertyDescriptor(original, key));
      expect(Object.keys(wrapped)).toEqual(Object.keys(original));
    });
    expect(guarded[0]).toMatchObject({ name: 'get_order', returnDirect: true, responseFormat: 'content_and_artifact', tags: ['orders'], metadata: { owner: 'orders-team' } });
  });

  it('a frozen tool stays frozen, and is still guarded', async () => {
    const { session } = await breakable();
    const executed: string[] = [];
    const [frozen] = orderTools(executed).map((original) => Object.freeze(original));
    const [guarded] = guardTools(session, [frozen!]);
    expect(Object.isFrozen(guarded)).toBe(true);
    expect(await first([guarded]).invoke({ order_id: 'ord_1001' })).toBe('Order ord_1001 has shipped.');
    expect(String(await first([guarded]).invoke({ order_id: 'ord_9999' }))).toMatch(/^Call to get_order refused\./);
    expect(executed).toEqual(['ord_1001']);
  });

  it('a ToolCall gives the same ToolMessage (tool_call_id, content and artifact), with the same callbacks, as the original', async () => {
    const { session } = await breakable();
    const call = { type: 'tool_call' as const, id: 'call_7', name: 'get_order', args: { order_id: 'ord_1001' } };
    const [plainRecorder, guardedRecorder] = [new Recorder(), new Recorder()];
    const plain = await first(orderTools([], plainRecorder)).invoke(call);
    const guarded = await first(guardTools(session, orderTools([], guardedRecorder))).invoke(call);
    expect(message(guarded)).toEqual(message(plain));
    expect(message(guarded)).toMatchObject({ tool_call_id: 'call_7', artifact: { carrier: 'DHL' }, status: 'success' });
    expect(guardedRecorder.events).toEqual(plainRecorder.events);
    // Plain arguments give the content alone, as the original does.
    expect(await first(guardTools(session, orderTools([]))).invoke({ order_id: 'ord_1001' })).toBe(await first(orderTools([])).invoke({ order_id: 'ord_1001' }));
  });

  it('a refused ToolCall answers with a ToolMessage of the same tool_call_id (status error); plain arguments get the refusal text; the tool never runs', async () => {
    const { session } = await breakable();
    const executed: string[] = [];
    const getOrder = first(guardTools(session, orderTools(executed)));
    const refused = await getOrder.invoke({ type: 'tool_call', id: 'call_8', name: 'get_order', args: { order_id: 'ord_555' } });
    expect(message(refused)).toMatchObject({ tool_call_id: 'call_8', name: 'get_order', status: 'error', content: expect.stringMatching(/^Call to get_order refused\..*ord_555/) });
    expect(await getOrder.invoke({ order_id: 'ord_556' })).toMatch(/^Call to get_order refused/);
    expect(executed).toEqual([]);
  });

  it('runs in a LangGraph ToolNode: one ToolMessage per call, ids kept, the invented id refused', async () => {
    const { session } = await breakable();
    const executed: string[] = [];
    const node = new ToolNode(guardTools(session, orderTools(executed)));
    const ai = new AIMessage({ content: '', tool_calls: [{ id: 'a', name: 'list_orders', args: { customer_id: 'cust_789' }, type: 'tool_call' }, { id: 'b', name: 'get_order', args: { order_id: 'ord_555' }, type: 'tool_call' }] });
    const { messages } = (await node.invoke({ messages: [new HumanMessage('hi'), ai] })) as { messages: ToolMessage[] };
    expect(messages.map((m) => [m.tool_call_id, m.status])).toEqual([['a', 'success'], ['b', 'error']]);
    expect(executed).toEqual(['cust_789']);
  });

  it('a guard that throws refuses with GUARD_ERROR (no exception), or lets the call run when the policy fails open', async () => {
    for (const [policy, runs] of [[{}, false], [{ onCheckError: 'allow' as const }, true]] as const) {
      const { session, breakGuard } = await breakable(policy);
      const executed: string[] = [];
      const getOrder = first(guardTools(session, orderTools(executed)));
      breakGuard();
      const answer = await getOrder.invoke({ type: 'tool_call', id: 'call_9', name: 'get_order', args: { order_id: 'ord_1001' } });
      expect(executed).toEqual(runs ? ['ord_1001'] : []);
      if (runs) expect(message(answer)).toMatchObject({ tool_call_id: 'call_9', status: 'success', artifact: { order_id: 'ord_1001' } });
      else expect(message(answer)).toMatchObject({ tool_call_id: 'call_9', status: 'error', content: expect.stringContaining('The guard failed while checking it (clock unavailable)') });
    }
  });
});

describe('wardenMiddleware with a guard that throws', () => {
  const calls = (name: string, args: Record<string, unknown>, id: string) => new AIMessage({ content: '', tool_calls: [{ name, args, id, type: 'tool_call' }] });
  const scripted = (messages: AIMessage[]) => messages.reduce((model, next) => model.respond(next), fakeModel());

  it('a guard broken before the run: the model call is refused with GUARD_ERROR and the run ends cleanly', async () => {
    const { session, breakGuard } = await breakable();
    breakGuard();
    const agent = createAgent({ model: scripted([calls('list_orders', { customer_id: 'cust_789' }, 'c1'), new AIMessage('Done.')]), tools: orderTools([]), middleware: [wardenMiddleware(session)] });
    const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789.')] });
    expect(String(result.messages.at(-1)!.content)).toMatch(/^Model call refused\. The guard failed while checking it/);
  });

  it('a guard that breaks before a tool call: the call is refused with a GUARD_ERROR ToolMessage the model reads, and the run goes on', async () => {
    const { session, breakGuard } = await breakable({ onCheckError: 'block' });
    const executed: string[] = [];
    const breaker = createMiddleware({ name: 'Breaker', wrapToolCall: (request, handler) => (breakGuard(), handler(request)) });
    const model = scripted([calls('list_orders', { customer_id: 'cust_789' }, 'c1'), new AIMessage('Done.')]);
    const agent = createAgent({ model, tools: orderTools(executed), middleware: [breaker, wardenMiddleware(session)] });
    const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789.')] });
    const toolMessage = result.messages.find((m) => ToolMessage.isInstance(m)) as ToolMessage;
    expect(message(toolMessage)).toMatchObject({ tool_call_id: 'c1', status: 'error', content: expect.stringContaining('The guard failed while checking it (clock unavailable)') });
    expect(executed).toEqual([]);
  });

  it('failing open (onCheckError: allow), the call decided by a broken guard runs with the model\'s arguments', async () => {
    const { session, breakGuard } = await breakable({ onCheckError: 'allow' });
    const executed: string[] = [];
    const breaker = createMiddleware({ name: 'Breaker', wrapToolCall: (request, handler) => (breakGuard(), handler(request)) });
    const agent = createAgent({ model: scripted([calls('list_orders', { customer_id: 'cust_789' }, 'c1'), new AIMessage('Done.')]), tools: orderTools(executed), middleware: [breaker, wardenMiddleware(session)] });
    const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789.')] });
    expect(executed).toEqual(['cust_789']);
    expect(String(result.messages.at(-1)!.content)).toBe('Done.');
  });
});

describe('the guard checks the arguments the model wrote against the schema of what the model may write', () => {
  const listOrders = (executed: string[]) =>
    tool(async ({ customer_id, limit }) => (executed.push(`${customer_id}:${limit}`), JSON.stringify(['ord_1001'])), {
      name: 'list_orders',
      description: "List a customer's orders",
      schema: z.object({ customer_id: z.string(), limit: z.number().default(10) }),
    });
  const calls = (args: Record<string, unknown>) => new AIMessage({ content: '', tool_calls: [{ name: 'list_orders', args, id: 'c1', type: 'tool_call' }] });

  it('benign: a field with a default the model left out is not a schema violation; the tool gets the default', async () => {
    const { session } = await breakable();
    const executed: string[] = [];
    const agent = createAgent({ model: fakeModel().respond(calls({ customer_id: 'cust_789' })).respond(new AIMessage('Done.')), tools: [listOrders(executed)], middleware: [wardenMiddleware(session)] });
    const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789.')] });
    expect(executed).toEqual(['cust_789:10']);
    expect(String(result.messages.at(-1)!.content)).toBe('Done.');
    expect(await first(guardTools(session, [listOrders(executed)])).invoke({ customer_id: 'cust_789' })).toBe('["ord_1001"]');
  });

  it('a field of the wrong type is still refused as a schema violation', async () => {
    const { session } = await breakable();
    const executed: string[] = [];
    const agent = createAgent({ model: fakeModel().respond(calls({ customer_id: 'cust_789', limit: 'all' })).respond(new AIMessage('Done.')), tools: [listOrders(executed)], middleware: [wardenMiddleware(session)] });
    const result = await agent.invoke({ messages: [new HumanMessage('Hi, I am cust_789.')] });
    expect(executed).toEqual([]);
    expect(result.messages.map((m) => String(m.content)).join('\n')).toMatch(/violate its schema at \/limit/);
  });
});

