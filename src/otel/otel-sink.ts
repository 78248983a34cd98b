import { createRequire } from 'node:module';
import type { Span, Tracer } from '@opentelemetry/api';
import type { Flag, TraceEvent } from '../trace/events.js';
import type { TraceSink } from '../trace/sink.js';
import { ATTR, OPERATION } from './semconv.js';

type OtelApi = typeof import('@opentelemetry/api');

export interface OtelSinkOptions {
  /** A tracer of your own; by default one from the global provider (a no-op when no SDK is registered). */
  tracer?: Tracer;
  /** `gen_ai.provider.name` (openai, anthropic, aws.bedrock, ...). Guessed from the model name when left out. */
  providerName?: string;
  /** `gen_ai.agent.name` of the session span. */
  agentName?: string;
  /** Message, argument and result content on spans: off unless you opt in, as the conventions require. */
  captureContent?: boolean;
}

interface OpenSpan {
  span: Span;
  flags: Flag[];
  /** End time once its event is done; the span stays open for the guard's decision on it. */
  endAt?: number;
}

interface SessionSpans {
  root: OpenSpan;
  byStep: Map<number, OpenSpan>;
  toolByCall: Map<string, OpenSpan>;
  pending: OpenSpan[];
  /** The session's type, put on every span. */
  type?: string;
}

function loadApi(): OtelApi | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch {
    return undefined;
  }
}

function guessProvider(model: string): string | undefined {
  const name = model.toLowerCase();
  if (/^(gpt|o\d|chatgpt|text-embedding|davinci)/.test(name)) return 'openai';
  if (name.startsWith('claude')) return 'anthropic';
  if (name.startsWith('gemini')) return 'gcp.gemini';
  if (/^(mistral|mixtral|codestral)/.test(name)) return 'mistral_ai';
  if (name.startsWith('command')) return 'cohere';
  return undefined;
}

function time(event: TraceEvent): number {
  const parsed = event.ts === undefined ? Number.NaN : Date.parse(event.ts);
  return Number.isNaN(parsed) ? Date.now() : parsed;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"[unserializable]"';
  }
}

/**
 * Exports sessions as OpenTelemetry GenAI spans: `invoke_agent` per session, `chat {model}` per model
 * call, `execute_tool {tool}` per tool call, each with `session_id`, `step_number` and the guard's
 * `anomaly_flags`. Needs `@opentelemetry/api` (an optional peer); without it, or without a registered
 * SDK, it does nothing.
 */
export function createOtelSink(options: OtelSinkOptions = {}): TraceSink {
  const api = loadApi();
  if (!api) return { write() {} };
  const tracer = options.tracer ?? api.trace.getTracer('agent-warden');
  const sessions = new Map<string, SessionSpans>();

  const base = (event: TraceEvent) => ({ [ATTR.SESSION_ID]: event.session_id, [ATTR.CONVERSATION_ID]: event.session_id, [ATTR.STEP_NUMBER]: event.step, [ATTR.ANOMALY_FLAGS]: [] as string[] });

  function open(event: TraceEvent): SessionSpans {
    let spans = sessions.get(event.session_id);
    if (spans) return spans;
    const agent = options.agentName ?? event.agent;
    const type = event.type === 'session.start' ? event.session_type : undefined;
    const span = tracer.startSpan(agent ? `${OPERATION.INVOKE_AGENT} ${agent}` : OPERATION.INVOKE_AGENT, {
      kind: api!.SpanKind.INTERNAL,
      startTime: time(event),
      attributes: { ...base(event), [ATTR.OPERATION_NAME]: OPERATION.INVOKE_AGENT, ...(agent ? { [ATTR.AGENT_NAME]: agent } : {}), ...(options.providerName ? { [ATTR.PROVIDER_NAME]: options.providerName } : {}), ...(type !== undefined ? { [ATTR.SESSION_TYPE]: type } : {}) },
    });
    spans = { root: { span, flags: [] }, byStep: new Map(), toolByCall: new Map(), pending: [], ...(type !== undefined ? { type } : {}) };
    spans.byStep.set(event.step, spans.root);
    sessions.set(event.session_id, spans);
    return spans;
  }

  function child(spans: SessionSpans, name: string, event: TraceEvent, attributes: Record<string, string | number | boolean | string[]>, startTime: number): OpenSpan {
    const parent = api!.trace.setSpan(api!.context.active(), spans.root.span);
    const typed = spans.type !== undefined ? { [ATTR.SESSION_TYPE]: spans.type } : {};
    const span = tracer.startSpan(name, { kind: api!.SpanKind.INTERNAL, startTime, attributes: { ...base(event), ...typed, ...attributes } }, parent);
    const open = { span, flags: [] };
    spans.byStep.set(event.step, open);
    return open;
  }

  function settle(spans: SessionSpans): void {
    for (const done of spans.pending) done.span.end(done.endAt);
    spans.pending = [];
  }

  function attachFlags(target: OpenSpan, flags: Flag[], action: string): void {
    if (flags.length === 0 && action === 'allow') return;
    target.flags.push(...flags);
    target.span.setAttribute(ATTR.ANOMALY_FLAGS, [...new Set(target.flags.map((flag) => flag.code))]);
    target.span.setAttribute(ATTR.ANOMALY_FLAGS_JSON, json(target.flags));
    target.span.setAttribute(ATTR.GUARD_ACTION, action);
    if (action === 'block' || action === 'pause' || action === 'kill') target.span.setStatus({ code: api!.SpanStatusCode.ERROR, message: `agent-warden: ${action}` });
  }

  return {
    write(event) {
      const spans = open(event);
      if (event.type !== 'guard.decision') settle(spans);
      const at = time(event);
      switch (event.type) {
        case 'llm.call': {
          const provider = options.providerName ?? guessProvider(event.model);
          const chat = child(
            spans,
            `${OPERATION.CHAT} ${event.model}`,
            event,
            {
              [ATTR.OPERATION_NAME]: OPERATION.CHAT,
              [ATTR.REQUEST_MODEL]: event.model,
              [ATTR.RESPONSE_MODEL]: event.model,
              ...(provider ? { [ATTR.PROVIDER_NAME]: provider } : {}),
              ...(event.input_tokens !== undefined ? { [ATTR.USAGE_INPUT_TOKENS]: event.input_tokens } : {}),
              ...(event.output_tokens !== undefined ? { [ATTR.USAGE_OUTPUT_TOKENS]: event.output_tokens } : {}),
              ...(event.finish_reasons ? { [ATTR.RESPONSE_FINISH_REASONS]: event.finish_reasons } : {}),
              ...(options.captureContent && event.input_messages ? { [ATTR.INPUT_MESSAGES]: json(event.input_messages) } : {}),
              ...(options.captureContent ? { [ATTR.OUTPUT_MESSAGES]: json([{ role: 'assistant', ...event.output }]) } : {}),
            },
            event.duration_ms !== undefined ? at - event.duration_ms : at,
          );
          chat.endAt = at;
          spans.pending.push(chat);
          break;
        }
        case 'tool.call': {
          const tool = child(
            spans,
            `${OPERATION.EXECUTE_TOOL} ${event.tool}`,
            event,
            {
              [ATTR.OPERATION_NAME]: OPERATION.EXECUTE_TOOL,
              [ATTR.TOOL_NAME]: event.tool,
              [ATTR.TOOL_CALL_ID]: event.call_id,
              [ATTR.TOOL_TYPE]: 'function',
              ...(options.captureContent ? { [ATTR.TOOL_CALL_ARGUMENTS]: typeof event.arguments === 'string' ? event.arguments : json(event.arguments) } : {}),
            },
            at,
          );
          spans.toolByCall.set(event.call_id, tool);
          break;
        }
        case 'tool.result': {
          const tool = spans.toolByCall.get(event.call_id);
          if (!tool) break;
          spans.toolByCall.delete(event.call_id);
          spans.byStep.set(event.step, tool);
          if (options.captureContent) tool.span.setAttribute(ATTR.TOOL_CALL_RESULT, json(event.result));
          if (event.is_error) {
            tool.span.setAttribute(ATTR.ERROR_TYPE, 'tool_error');
            tool.span.setStatus({ code: api!.SpanStatusCode.ERROR });
          }
          tool.endAt = at;
          spans.pending.push(tool);
          break;
        }
        case 'guard.decision': {
          const target = spans.byStep.get(event.target_step);
          if (target) attachFlags(target, event.flags ?? [], event.action);
          // A refused call never runs: its span ends with the decision.
          if (target && target !== spans.root && (event.action === 'block' || event.action === 'pause' || event.action === 'kill')) {
            for (const [callId, tool] of spans.toolByCall) {
              if (tool !== target) continue;
              spans.toolByCall.delete(callId);
              tool.endAt = at;
              spans.pending.push(tool);
            }
          }
          break;
        }
        case 'session.end': {
          for (const tool of spans.toolByCall.values()) tool.span.end(at);
          if (event.status === 'error' || event.status === 'killed') spans.root.span.setStatus({ code: api!.SpanStatusCode.ERROR, message: event.status });
          spans.root.span.end(at);
          sessions.delete(event.session_id);
          break;
        }
        default:
          break;
      }
      // Keep the map to the steps a decision can still name: recent ones.
      if (spans.byStep.size > 256) for (const step of [...spans.byStep.keys()].slice(0, 128)) spans.byStep.delete(step);
    },
  };
}
