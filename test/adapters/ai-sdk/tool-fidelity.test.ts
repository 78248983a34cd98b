/**
 * A guarded AI SDK tool must be indistinguishable from the original except where the guard refuses:
 * its properties, its streaming, the input it runs with, its toModelOutput, and a guard that fails.
 */
import { describe, expect, it } from 'vitest';
import { dynamicTool, generateText, jsonSchema, simulateReadableStream, stepCountIs, streamText, tool, type Tool, type ToolSet } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { z } from 'zod';
import { createGuard, type GuardOptions, type PolicyDocument } from '../../../src/index.js';
import { guardAiSdk, guardTools } from '../../../adapters/ai-sdk/index.js';

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
const callTool = (id: string, name: string, input: unknown): LanguageModelV3GenerateResult => ({
  content: [{ type: 'tool-call', toolCallId: id, toolName: name, input: JSON.stringify(input) }],
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage,
  warnings: [],
});
const say = (text: string): LanguageModelV3GenerateResult => ({ content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] });
const PROMPT = 'Hi, I am cust_789; my order is ord_1001.';

async function session(options: GuardOptions = {}) {
  return createGuard(options).startSession({ entities: { customer_id: 'cust_789' } });
}

/** The same script, once with the original tools and once guarded: what the SDK reports for each. */
async function bothWays(tools: ToolSet, script: LanguageModelV3GenerateResult[], options: GuardOptions = {}) {
  const plainModel = new MockLanguageModelV3({ doGenerate: [...script] });
  const plain = await generateText({ prompt: PROMPT, model: plainModel, tools, stopWhen: stepCountIs(5) });
  const guardedModel = new MockLanguageModelV3({ doGenerate: [...script] });
  const guarded = await generateText({ prompt: PROMPT, ...guardAiSdk(await session(options), { model: guardedModel, tools, stopWhen: stepCountIs(5) }) });
  return { plain, guarded, plainModel, guardedModel };
}

/** The script with the guarded tools only. */
async function guardedRun(tools: ToolSet, script: LanguageModelV3GenerateResult[], options: GuardOptions = {}) {
  const guardedModel = new MockLanguageModelV3({ doGenerate: [...script] });
  const guarded = await generateText({ prompt: PROMPT, ...guardAiSdk(await session(options), { model: guardedModel, tools, stopWhen: stepCountIs(5) }) });
  return { guarded, guardedModel };
}

const outputsOf = (result: { steps: ReadonlyArray<{ content: ReadonlyArray<{ type: string }> }> }): unknown[] => result.steps.flatMap((step) => step.content.filter((part) => part.type === 'tool-result' || part.type === 'tool-error').map((part) => ('output' in part ? part.output : (part as { error?: unknown }).error)));

describe('every property of the original tool is kept', () => {
  const hooks = { onInputStart: async () => {}, onInputDelta: async () => {}, onInputAvailable: async () => {} };
  const execute = async () => 'ok';
  const marker = Symbol('marker');
  const plainTool = tool({
    description: 'Fetch one order',
    title: 'Get order',
    inputSchema: z.object({ order_id: z.string() }),
    outputSchema: z.object({ status: z.string() }),
    providerOptions: { openai: { strict: true } },
    metadata: { source: 'orders-service' },
    inputExamples: [{ input: { order_id: 'ord_1001' } }],
    strict: true,
    needsApproval: async () => false,
    ...hooks,
    toModelOutput: ({ output }) => ({ type: 'text', value: String(output) }),
    execute: async () => ({ status: 'shipped' }),
  });
  const withUnknown = Object.assign(tool({ inputSchema: z.object({}), execute }), { 'x-team': 'payments', [marker]: 42 });
  const providerTool = { type: 'provider', id: 'acme.computer', args: { display: 1024 }, inputSchema: jsonSchema({ type: 'object' }), supportsDeferredResults: true, execute } as unknown as Tool;
  const dynamic = dynamicTool({ description: 'from an MCP server', inputSchema: z.object({}), execute });
  // Tools built as class instances, with accessors, hidden fields and frozen objects exist too (MCP clients, registries).
  const base = { describe: () => 'inherited' };
  const exotic = Object.create(base, {
    description: { get: () => 'computed when read', enumerable: true, configurable: true },
    inputSchema: { value: z.object({}), enumerable: true, writable: true, configurable: true },
    hidden: { value: 'not enumerable', enumerable: false, writable: false, configurable: false },
    execute: { value: execute, enumerable: true, writable: true, configurable: true },
  }) as Tool;
  const frozen = Object.freeze(tool({ description: 'frozen', inputSchema: z.object({}), execute }));

  it('keeps every own property (values, accessors, symbols, hidden ones), the prototype and frozenness; only execute and toModelOutput are the guard’s', async () => {
    const tools = { plainTool, withUnknown, providerTool, dynamic, exotic, frozen } as ToolSet;
    const guarded = guardTools(await session(), tools);
    for (const [name, original] of Object.entries(tools)) {
      const wrapped = guarded[name]!;
      expect(Object.getPrototypeOf(wrapped), name).toBe(Object.getPrototypeOf(original));
      expect(Object.isFrozen(wrapped), name).toBe(Object.isFrozen(original));
      expect(Reflect.ownKeys(wrapped), name).toEqual(Reflect.ownKeys(original));
      for (const key of Reflect.ownKeys(original)) {
        if (key === 'execute' || key === 'toModelOutput') continue;
        expect(Object.getOwnPropertyDescriptor(wrapped, key), `${name}.${String(key)}`).toEqual(Object.getOwnPropertyDescriptor(original, key));
      }
      expect(typeof wrapped.execute, name).toBe('function');
    }
    expect((guarded.exotic as unknown as typeof base).describe()).toBe('inherited');
  });

  it('a tool without execute (provider-executed, or answered by the client) is the original object', async () => {
    const clientSide = tool({ description: 'ask the user', inputSchema: z.object({ question: z.string() }) });
    expect(guardTools(await session(), { clientSide }).clientSide).toBe(clientSide);
  });

  it('the SDK calls the input hooks and needsApproval of the guarded tool exactly as of the original', async () => {
    const seen: Record<string, unknown[]> = { plain: [], guarded: [] };
    const make = (log: unknown[]) => ({
      lookup: tool({
        inputSchema: z.object({ customer_id: z.string() }),
        onInputStart: ({ toolCallId }) => void log.push(['start', toolCallId]),
        onInputDelta: ({ inputTextDelta }) => void log.push(['delta', inputTextDelta]),
        onInputAvailable: ({ input }) => void log.push(['available', input]),
        needsApproval: ({ customer_id }) => customer_id !== 'cust_789',
        execute: async ({ customer_id }) => `orders of ${customer_id}`,
      }),
    });
    const chunks = (customer: string): LanguageModelV3StreamPart[] => [
      { type: 'tool-input-start', id: 'c1', toolName: 'lookup' },
      { type: 'tool-input-delta', id: 'c1', delta: '{"customer_id":' },
      { type: 'tool-input-delta', id: 'c1', delta: `"${customer}"}` },
      { type: 'tool-input-end', id: 'c1' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: `{"customer_id":"${customer}"}` },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
    ];
    for (const customer of ['cust_789', 'cust_123']) {
      const plainModel = new MockLanguageModelV3({ doStream: { stream: simulateReadableStream({ chunks: chunks(customer) }) } });
      const plain = streamText({ prompt: PROMPT, model: plainModel, tools: make(seen.plain!) });
      const guardedModel = new MockLanguageModelV3({ doStream: { stream: simulateReadableStream({ chunks: chunks(customer) }) } });
      const guarded = streamText({ prompt: PROMPT, ...guardAiSdk(await session(), { model: guardedModel, tools: make(seen.guarded!) }) });
      const kinds = async (stream: typeof plain) => (await stream.steps).flatMap((step) => step.content.map((part) => part.type));
      expect(await kinds(guarded)).toEqual(await kinds(plain));
    }
    expect(seen.guarded).toEqual(seen.plain);
    expect(seen.plain).toContainEqual(['delta', '{"customer_id":']);
  });
});

/** A generated step's content as the stream parts a provider sends. */
function streamPartsOf(part: LanguageModelV3GenerateResult['content'][number]): LanguageModelV3StreamPart[] {
  if (part.type === 'text') return [{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: part.text }, { type: 'text-end', id: 't' }];
  return [part as LanguageModelV3StreamPart];
}

describe('streaming tools (execute returns an AsyncIterable of preliminary results)', () => {
  const ORDER = { order_id: 'ord_1001', customer_id: 'cust_789', status: 'shipped' };
  const tracker = (final: unknown) => ({
    list_orders: tool({ inputSchema: z.object({ customer_id: z.string() }), execute: async () => ['ord_1001'] }),
    track: tool({
      inputSchema: z.object({ order_id: z.string() }),
      async *execute({ order_id }) {
        yield { order_id, status: 'looking up' };
        yield final;
      },
    }),
  });
  const script = [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), callTool('c2', 'track', { order_id: 'ord_1001' }), say('Done.')];

  it('stream through the wrapper: the same preliminary and final results as the original', async () => {
    const run = (tools: ToolSet, guarded: boolean) => {
      const model = new MockLanguageModelV3({ doStream: script.map((step) => ({ stream: simulateReadableStream({ chunks: [...step.content.flatMap(streamPartsOf), { type: 'finish', finishReason: step.finishReason, usage }] }) })) as never });
      return guarded ? session().then((s) => streamText({ prompt: PROMPT, ...guardAiSdk(s, { model, tools, stopWhen: stepCountIs(5) }) })) : Promise.resolve(streamText({ prompt: PROMPT, model, tools, stopWhen: stepCountIs(5) }));
    };
    const results = async (guarded: boolean) => {
      const stream = await run(tracker(ORDER), guarded);
      const parts: unknown[] = [];
      for await (const part of stream.fullStream) if (part.type === 'tool-result') parts.push({ output: part.output, preliminary: part.preliminary === true });
      return parts;
    };
    const plain = await results(false);
    expect(plain).toContainEqual({ output: { order_id: 'ord_1001', status: 'looking up' }, preliminary: true });
    expect(await results(true)).toEqual(plain);
  });

  it('generateText gets the final value, as from the original', async () => {
    const { plain, guarded } = await bothWays(tracker(ORDER), script);
    expect(outputsOf(guarded)).toEqual(outputsOf(plain));
    expect(outputsOf(guarded)[1]).toEqual(ORDER);
  });

  it("the result check runs on the final value: another customer's record is withheld", async () => {
    const { guarded } = await bothWays(tracker({ ...ORDER, customer_id: 'cust_123' }), script);
    expect(outputsOf(guarded)[1]).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'ENTITY_MISMATCH' }] });
  });

  it('a plain function that returns an AsyncIterable gives its final value (it cannot stream through a promise)', async () => {
    const tools = { list_orders: tool({ inputSchema: z.object({ customer_id: z.string() }), execute: () => (async function* () { yield 'partial'; yield ['ord_1001']; })() }) };
    const { guarded } = await bothWays(tools, [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), say('Done.')]);
    expect(outputsOf(guarded)).toEqual([['ord_1001']]);
  });
});

describe('the guard checks the input the SDK parsed, and the tool runs with it', () => {
  const received: unknown[] = [];
  const tools = {
    list_orders: tool({ inputSchema: z.object({ customer_id: z.string() }), execute: async () => ['ord_1001'] }),
    reschedule: tool({
      inputSchema: z.object({ order_number: z.number(), when: z.string().transform((text) => new Date(text)), note: z.string().default('none') }).transform(({ order_number, ...rest }) => ({ order_id: `ord_${order_number}`, ...rest })),
      execute: async (input) => {
        received.push(input);
        // A tool may mutate its own input, as it may unguarded.
        (input as { note: string }).note += ' (seen)';
        return { order_id: input.order_id, when: input.when.toISOString(), note: input.note };
      },
    }),
  };

  it('benign: a transformed input (types changed, defaults filled) is not flagged, and the tool gets what the SDK gives it', async () => {
    received.length = 0;
    const script = [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), callTool('c2', 'reschedule', { order_number: 1001, when: '2026-12-01' }), say('Done.')];
    const { plain, guarded } = await bothWays(tools, script);
    expect(outputsOf(guarded)).toEqual(outputsOf(plain));
    expect(outputsOf(guarded)[1]).toEqual({ order_id: 'ord_1001', when: '2026-12-01T00:00:00.000Z', note: 'none (seen)' });
    expect(received[1]).toMatchObject({ order_id: 'ord_1001' });
    expect((received[1] as { when: unknown }).when).toBeInstanceOf(Date);
  });

  it('an invented id that only the transform builds is refused for what it is (ENTITY_HALLUCINATION), not as a schema mismatch', async () => {
    received.length = 0;
    const { guarded } = await guardedRun(tools, [callTool('c1', 'reschedule', { order_number: 555, when: '2026-12-01' }), say('Done.')]);
    expect(received).toEqual([]);
    expect(outputsOf(guarded)[0]).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'ENTITY_HALLUCINATION' }] });
    expect((outputsOf(guarded)[0] as { flags: unknown[] }).flags).toHaveLength(1);
  });
});

describe('toModelOutput', () => {
  const converted: unknown[] = [];
  const tools = {
    get_order: tool({
      inputSchema: z.object({ order_id: z.string() }),
      execute: async ({ order_id }) => ({ order_id, items: ['mug'] }),
      toModelOutput: ({ output }) => (converted.push(output), { type: 'text', value: `Items: ${output.items.join(', ')}` }),
    }),
  };
  const toolResultSent = (model: MockLanguageModelV3) => model.doGenerateCalls[1]!.prompt.flatMap((message) => (message.role === 'tool' ? message.content.map((part) => (part.type === 'tool-result' ? part.output : undefined)) : []));

  it('receives the real output of an allowed call, and its conversion reaches the model', async () => {
    converted.length = 0;
    const { guardedModel, plainModel } = await bothWays(tools, [callTool('c1', 'get_order', { order_id: 'ord_1001' }), say('Done.')]);
    expect(converted).toEqual([{ order_id: 'ord_1001', items: ['mug'] }, { order_id: 'ord_1001', items: ['mug'] }]);
    expect(toolResultSent(guardedModel)).toEqual(toolResultSent(plainModel));
    expect(toolResultSent(guardedModel)).toEqual([{ type: 'text', value: 'Items: mug' }]);
  });

  it('never receives a refusal (it would read fields the refusal lacks): the model gets the refusal as JSON', async () => {
    converted.length = 0;
    const { guarded, guardedModel } = await guardedRun(tools, [callTool('c1', 'get_order', { order_id: 'ord_555' }), say('Done.')]);
    expect(converted).toEqual([]);
    expect(guarded.text).toBe('Done.');
    expect(toolResultSent(guardedModel)).toMatchObject([{ type: 'json', value: { error: 'agent_warden_refused', flags: [{ code: 'ENTITY_HALLUCINATION' }] } }]);
  });
});

describe('a guard that throws (its clock, its store) never crashes the run', () => {
  async function breakable(policy: PolicyDocument = {}) {
    let broken = false;
    const clock = () => {
      if (broken) throw new Error('clock unavailable');
      return Date.now();
    };
    const s = await createGuard({ policy, clock }).startSession({ entities: { customer_id: 'cust_789' } });
    return { session: s, breakGuard: () => (broken = true) };
  }
  const executed: string[] = [];
  const tools = { list_orders: tool({ inputSchema: z.object({ customer_id: z.string() }), execute: async ({ customer_id }) => (executed.push(customer_id), ['ord_1001']) }) };

  it('refuses the tool call with GUARD_ERROR (fail closed), even when the tools could not be listed; the run goes on', async () => {
    executed.length = 0;
    const { session: s, breakGuard } = await breakable();
    breakGuard();
    const settings = guardAiSdk(s, { model: new MockLanguageModelV3({ doGenerate: [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), say('Done.')] }), tools });
    // The model call itself cannot be admitted either: the run ends with the refusal, no exception.
    const result = await generateText({ prompt: PROMPT, ...settings });
    expect(result.text).toMatch(/^Model call refused\. The guard failed while checking it \(clock unavailable\)/);
    const output = await settings.tools.list_orders.execute!({ customer_id: 'cust_789' }, { toolCallId: 'c9', messages: [] });
    expect(output).toMatchObject({ error: 'agent_warden_refused', action: 'block', flags: [{ code: 'GUARD_ERROR' }] });
    expect(executed).toEqual([]);
  });

  it('a guard that breaks mid-run refuses the call in flight with GUARD_ERROR, and the model reads it', async () => {
    executed.length = 0;
    const { session: s, breakGuard } = await breakable();
    const model = new MockLanguageModelV3({ doGenerate: [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), say('Done.')] });
    const guardedTools = guardAiSdk(s, { model, tools }).tools;
    await generateText({ prompt: PROMPT, model, tools: guardedTools, stopWhen: stepCountIs(1), prepareStep: () => (breakGuard(), undefined) }).then((result) => {
      expect(executed).toEqual([]);
      expect(outputsOf(result)).toMatchObject([{ flags: [{ code: 'GUARD_ERROR' }] }]);
    });
  });

  it('lets the call and the model call through when the policy fails open (onCheckError: allow)', async () => {
    executed.length = 0;
    const { session: s, breakGuard } = await breakable({ onCheckError: 'allow' });
    breakGuard();
    const result = await generateText({ prompt: PROMPT, ...guardAiSdk(s, { model: new MockLanguageModelV3({ doGenerate: [callTool('c1', 'list_orders', { customer_id: 'cust_789' }), say('Done.')] }), tools, stopWhen: stepCountIs(3) }) });
    expect(executed).toEqual(['cust_789']);
    expect(outputsOf(result)).toEqual([['ord_1001']]);
    expect(result.text).toBe('Done.');
  });
});
