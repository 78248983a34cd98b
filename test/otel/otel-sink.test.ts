import { afterEach, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createGuard } from '../../src/index.js';
import { createOtelSink } from '../../src/otel/otel-sink.js';
import { teeSinks, MemorySink } from '../../src/trace/sinks.js';
import { ORDER_TOOLS } from '../helpers/guard.js';

function sdk() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('test') };
}

async function incident(options: Parameters<typeof createOtelSink>[0]) {
  const guard = createGuard({ tools: ORDER_TOOLS, sink: createOtelSink(options) });
  const session = await guard.startSession({ sessionId: 's-otel', entities: { customer_id: 'cust_789' } });
  await session.message('user', 'Hi, I am cust_789, did ord_1001 ship?');
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 612, outputTokens: 31, finishReasons: ['tool_calls'], toolCalls: [{ id: 'c1', name: 'get_order', arguments: { order_id: 'ord_555' } }], inputMessages: [{ role: 'user', content: 'did ord_1001 ship?' }] });
  await session.beforeToolCall({ callId: 'c1', tool: 'get_order', arguments: { order_id: 'ord_555' } });
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 700, outputTokens: 20, finishReasons: ['tool_calls'], toolCalls: [{ id: 'c2', name: 'get_order', arguments: { order_id: 'ord_1001' } }] });
  await session.beforeToolCall({ callId: 'c2', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
  await session.afterToolCall({ callId: 'c2', tool: 'get_order', result: { order_id: 'ord_1001', status: 'shipped' } });
  await session.modelCall({ model: 'gpt-4o-2024-08-06', inputTokens: 760, outputTokens: 12, finishReasons: ['stop'], text: 'Order ord_1001 shipped.' });
  await session.end('completed', 'Order ord_1001 shipped.');
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);

describe('OpenTelemetry GenAI spans', () => {
  afterEach(() => trace.disable());

  it('emits invoke_agent, chat {model} and execute_tool {tool} spans with the GenAI attributes', async () => {
    const { exporter, tracer } = sdk();
    await incident({ tracer, agentName: 'order-agent' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual([
      'chat gpt-4o-2024-08-06',
      'chat gpt-4o-2024-08-06',
      'chat gpt-4o-2024-08-06',
      'execute_tool get_order',
      'execute_tool get_order',
      'invoke_agent order-agent',
    ]);
    const [root] = byName(spans, 'invoke_agent order-agent');
    expect(root!.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'order-agent', 'gen_ai.conversation.id': 's-otel', session_id: 's-otel', step_number: 0 });
    const chat = byName(spans, 'chat gpt-4o-2024-08-06')[0]!;
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 612,
      'gen_ai.usage.output_tokens': 31,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.conversation.id': 's-otel',
      session_id: 's-otel',
      anomaly_flags: [],
    });
    expect(typeof chat.attributes.step_number).toBe('number');
    for (const span of spans) {
      expect(span.attributes.session_id, span.name).toBe('s-otel');
      expect(span.attributes.step_number, span.name).toEqual(expect.any(Number));
      expect(span.attributes.anomaly_flags, span.name).toEqual(expect.any(Array));
      if (span !== root) expect(span.parentSpanContext?.spanId, span.name).toBe(root!.spanContext().spanId);
    }
  });

  it('puts the guard flags on the span of the step they decide: codes as an array, full flags as JSON', async () => {
    const { exporter, tracer } = sdk();
    await incident({ tracer });
    const tools = byName(exporter.getFinishedSpans(), 'execute_tool get_order');
    const refused = tools.find((span) => span.attributes['gen_ai.tool.call.id'] === 'c1')!;
    expect(refused.attributes).toMatchObject({ 'gen_ai.tool.name': 'get_order', anomaly_flags: ['ENTITY_HALLUCINATION'], 'agent_warden.action': 'block' });
    expect(JSON.parse(String(refused.attributes.anomaly_flags_json))).toMatchObject([{ code: 'ENTITY_HALLUCINATION', evidence: { id: 'ord_555' } }]);
    expect(refused.status.code).toBe(2);
    const clean = tools.find((span) => span.attributes['gen_ai.tool.call.id'] === 'c2')!;
    expect(clean.attributes.anomaly_flags).toEqual([]);
  });

  it('records content only when the user opts in', async () => {
    const off = sdk();
    await incident({ tracer: off.tracer });
    for (const span of off.exporter.getFinishedSpans()) {
      for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
    }
    const on = sdk();
    await incident({ tracer: on.tracer, captureContent: true });
    const spans = on.exporter.getFinishedSpans();
    const chat = byName(spans, 'chat gpt-4o-2024-08-06')[0]!;
    expect(JSON.parse(String(chat.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', content: 'did ord_1001 ship?' }]);
    const tool = byName(spans, 'execute_tool get_order').find((span) => span.attributes['gen_ai.tool.call.id'] === 'c2')!;
    expect(JSON.parse(String(tool.attributes['gen_ai.tool.call.arguments']))).toEqual({ order_id: 'ord_1001' });
    expect(JSON.parse(String(tool.attributes['gen_ai.tool.call.result']))).toEqual({ order_id: 'ord_1001', status: 'shipped' });
  });

  it('uses the global provider when none is given, and is a no-op without an SDK', async () => {
    const { exporter } = sdk();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    await incident({});
    expect(exporter.getFinishedSpans().length).toBe(6);
    trace.disable();
    const memory = new MemorySink();
    const guard = createGuard({ tools: ORDER_TOOLS, sink: teeSinks(createOtelSink(), memory) });
    const session = await guard.startSession();
    await session.beforeToolCall({ tool: 'search', arguments: { query: 'x' } });
    await session.end();
    expect(memory.events.length).toBeGreaterThan(3);
  });

  it('puts the session type on every span of a typed session, and on none of an untyped one', async () => {
    const { exporter, tracer } = sdk();
    const guard = createGuard({ tools: ORDER_TOOLS, sink: createOtelSink({ tracer }) });
    const typed = await guard.startSession({ sessionId: 's-typed', type: 'support-chat' });
    await typed.modelCall({ model: 'gpt-4o', inputTokens: 10, outputTokens: 1, toolCalls: [{ id: 'c1', name: 'search', arguments: { query: 'x' } }] });
    await typed.beforeToolCall({ callId: 'c1', tool: 'search', arguments: { query: 'x' } });
    await typed.afterToolCall({ callId: 'c1', tool: 'search', result: [] });
    await typed.end('completed', 'done');
    const plain = await guard.startSession({ sessionId: 's-plain' });
    await plain.modelCall({ model: 'gpt-4o', inputTokens: 10, outputTokens: 1, text: 'hi' });
    await plain.end('completed', 'hi');
    const spans = exporter.getFinishedSpans();
    const ofTyped = spans.filter((span) => span.attributes.session_id === 's-typed');
    expect(ofTyped.length).toBeGreaterThanOrEqual(3);
    for (const span of ofTyped) expect(span.attributes.session_type, span.name).toBe('support-chat');
    for (const span of spans.filter((span) => span.attributes.session_id === 's-plain')) expect(span.attributes.session_type).toBeUndefined();
  });
});
