/**
 * agent-warden/openai-agents: the guard in the OpenAI Agents SDK (`@openai/agents-core`), in one line.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const result = await run(guardAgent(session, agent), 'Has my order shipped?');
 */
import {
  Agent,
  defineToolInputGuardrail,
  defineToolOutputGuardrail,
  ToolGuardrailFunctionOutputFactory,
  Usage,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type Tool,
  type FunctionTool,
} from '@openai/agents-core';
import type { StreamEvent } from '@openai/agents-core/types';
import { refusalText, toolArguments, withheldAnswer, type Decision, type GuardSession, type ModelToolCall } from '../../src/index.js';

type OutputItem = ModelResponse['output'][number];

function textOfOutput(output: readonly OutputItem[]): string | undefined {
  const texts: string[] = [];
  for (const item of output) {
    if (item.type !== 'message' || item.role !== 'assistant') continue;
    for (const part of item.content) if (part.type === 'output_text') texts.push(part.text);
  }
  return texts.length > 0 ? texts.join('') : undefined;
}

function toolCallsOf(output: readonly OutputItem[]): ModelToolCall[] {
  return output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.callId, name: item.name, arguments: toolArguments(item.arguments) }] : []));
}

function refusalResponse(text: string): ModelResponse {
  return { usage: new Usage(), output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }] };
}

/**
 * A `Model` that feeds every call into the session (user input and instructions as trusted context,
 * usage, tool calls and text) and reserves budget first: a halted or spent session answers with the
 * refusal as the agent's output instead of calling the provider.
 */
/** How much of the run's input each session has seen: one run's agents share one conversation. */
const fedInputs = new WeakMap<GuardSession, number>();
/** The guard's decision on the last answer the model gave, for the agent's output guardrail. */
const lastAnswer = new WeakMap<GuardSession, Decision>();

export class GuardedModel implements Model {
  private fedInstructions: string | undefined;

  constructor(
    private readonly session: GuardSession,
    private readonly inner: Model,
    private readonly modelName = 'model',
  ) {}

  private async admit(request: ModelRequest) {
    if (request.systemInstructions && request.systemInstructions !== this.fedInstructions) {
      this.fedInstructions = request.systemInstructions;
      await this.session.message('system', request.systemInstructions);
    }
    const input = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
    for (const item of input.slice(fedInputs.get(this.session) ?? 0)) {
      const message = item as { role?: string; content?: unknown };
      if (message.role !== 'user') continue;
      const text = typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? message.content.map((part: { text?: string }) => part.text ?? '').join('') : '';
      await this.session.message('user', text);
    }
    fedInputs.set(this.session, Math.max(fedInputs.get(this.session) ?? 0, input.length));
    return this.session.beforeModelCall({ model: this.modelName, ...(request.modelSettings?.maxTokens ? { maxOutputTokens: request.modelSettings.maxTokens } : {}) });
  }

  private async record(response: ModelResponse, reservationId: string | undefined): Promise<void> {
    const toolCalls = toolCallsOf(response.output);
    const text = textOfOutput(response.output);
    const decision = await this.session.modelCall({
      model: this.modelName,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      finishReasons: [toolCalls.length > 0 ? 'tool_calls' : 'stop'],
      ...(text !== undefined ? { text } : {}),
      toolCalls,
      ...(reservationId ? { reservationId } : {}),
    });
    if (toolCalls.length === 0) lastAnswer.set(this.session, decision);
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const admission = await this.admit(request);
    if (!admission.proceed) return refusalResponse(refusalText(admission.refusal!));
    let response: ModelResponse;
    try {
      response = await this.inner.getResponse(request);
    } catch (error) {
      this.session.releaseModelCall(admission.reservationId);
      throw error;
    }
    await this.record(response, admission.reservationId);
    return response;
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const admission = await this.admit(request);
    if (!admission.proceed) {
      const response = refusalResponse(refusalText(admission.refusal!));
      yield { type: 'response_done', response: { id: 'agent-warden', usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }, output: response.output } } as StreamEvent;
      return;
    }
    let recorded = false;
    try {
      for await (const event of this.inner.getStreamedResponse(request)) {
        if (event.type === 'response_done') {
          recorded = true;
          await this.record({ usage: new Usage(event.response.usage), output: event.response.output }, admission.reservationId);
        }
        yield event;
      }
    } finally {
      if (!recorded) this.session.releaseModelCall(admission.reservationId);
    }
  }
}

/** For agents that name their model by string: wrap the Runner's provider. */
export function guardModelProvider(session: GuardSession, provider: ModelProvider): ModelProvider {
  return {
    async getModel(name?: string) {
      return new GuardedModel(session, await provider.getModel(name), name ?? 'default');
    },
  };
}

function isAgentTool(tool: Tool): boolean {
  return tool.type === 'function' && typeof (tool as { on?: unknown }).on === 'function';
}

/**
 * Installs the guard on a function tool as the SDK expects: an input guardrail (the call is refused
 * with a message the model reads), an output guardrail (a withheld result is replaced), and a pause
 * mapped to the SDK's approval interruption when no escalation handler answers it.
 */
function guardTool(session: GuardSession, tool: Tool, defined: Promise<unknown>): Tool {
  if (tool.type !== 'function') return tool;
  const functionTool = tool as FunctionTool<any, any, any>;
  const decisions = new Map<string, Promise<Decision>>();
  const subagent = isAgentTool(tool);
  const decide = (callId: string, args: unknown) => {
    let decision = decisions.get(callId);
    if (!decision) {
      decision = defined.then(() => session.beforeToolCall({ callId, tool: tool.name, arguments: typeof args === 'string' ? args : ((args ?? {}) as Record<string, unknown>) }));
      decisions.set(callId, decision);
    }
    return decision;
  };
  const approvalsAsked = new Set<string>();
  const needsApproval = functionTool.needsApproval;
  const guarded: FunctionTool<any, any, any> = {
    ...functionTool,
    async needsApproval(runContext, input, callId) {
      if (callId !== undefined) {
        const decision = await decide(callId, input);
        // A pause nobody answered becomes the SDK's own approval interruption: a human decides, the run resumes.
        if (decision.action === 'pause' && decision.escalation === 'unavailable') {
          approvalsAsked.add(callId);
          return true;
        }
      }
      return needsApproval(runContext, input, callId);
    },
    inputGuardrails: [
      ...(functionTool.inputGuardrails ?? []),
      defineToolInputGuardrail({
        name: 'agent-warden',
        run: async ({ toolCall }) => {
          const decision = await decide(toolCall.callId, toolCall.arguments);
          if (decision.proceed) return ToolGuardrailFunctionOutputFactory.allow({ flags: decision.flags });
          if (approvalsAsked.delete(toolCall.callId)) {
            // Reaching execution after the interruption means a human approved the call.
            session.resume();
            return ToolGuardrailFunctionOutputFactory.allow({ approvedByHuman: true });
          }
          return ToolGuardrailFunctionOutputFactory.rejectContent(refusalText(decision.refusal!), { flags: decision.flags });
        },
      }),
    ],
    outputGuardrails: [
      ...(functionTool.outputGuardrails ?? []),
      defineToolOutputGuardrail({
        name: 'agent-warden',
        run: async ({ toolCall, output }) => {
          decisions.delete(toolCall.callId);
          // An agent used as a tool is a subagent: its answer is untrusted input, not a tool result.
          const checked = subagent
            ? await session.subagentOutput(output, { agent: tool.name, callId: toolCall.callId })
            : await session.afterToolCall({ callId: toolCall.callId, tool: tool.name, result: output });
          return checked.proceed ? ToolGuardrailFunctionOutputFactory.allow() : ToolGuardrailFunctionOutputFactory.rejectContent(refusalText(checked.refusal!), { flags: checked.flags });
        },
      }),
    ],
  };
  return guarded as Tool;
}

export interface GuardAgentOptions {
  /** The model to wrap when the agent names its model by string (or use `guardModelProvider`). */
  model?: Model;
}

/**
 * The one-line install: a clone of the agent (and of its handoff agents) whose tools run through the
 * guard and whose model calls feed the session. Handoff agents and agents used as tools are treated as
 * subagents: what they produce is recorded as untrusted.
 */
export function guardAgent<TAgent extends Agent<any, any>>(session: GuardSession, agent: TAgent, options: GuardAgentOptions = {}): TAgent {
  const definitions = new Map<string, { name: string; description?: string; inputSchema: Record<string, unknown> }>();
  collectTools(agent, definitions, new Set());
  const defined = session.defineTools([...definitions.values()]);
  return guardAgentTree(session, agent, options, new Map(), false, defined);
}

/** Every function tool of the agent and its handoff agents, as the guard's definitions (their JSON Schema). */
function collectTools(agent: Agent<any, any>, into: Map<string, { name: string; description?: string; inputSchema: Record<string, unknown> }>, seen: Set<Agent<any, any>>): void {
  if (seen.has(agent)) return;
  seen.add(agent);
  for (const tool of agent.tools) {
    if (tool.type !== 'function') continue;
    const { name, description, parameters } = tool as FunctionTool<any, any, any>;
    into.set(name, { name, ...(description ? { description } : {}), inputSchema: parameters as Record<string, unknown> });
  }
  for (const handoff of agent.handoffs) if (handoff instanceof Agent) collectTools(handoff, into, seen);
}

function guardAgentTree<TAgent extends Agent<any, any>>(session: GuardSession, agent: TAgent, options: GuardAgentOptions, seen: Map<Agent<any, any>, Agent<any, any>>, handedOff: boolean, defined: Promise<unknown>): TAgent {
  const existing = seen.get(agent);
  if (existing) return existing as TAgent;
  const inner = options.model ?? (typeof agent.model === 'string' ? undefined : agent.model);
  const modelName = typeof agent.model === 'string' && agent.model !== '' ? agent.model : agent.name;
  const clone = agent.clone({
    ...(inner ? { model: new GuardedModel(session, inner, modelName) } : {}),
    tools: agent.tools.map((tool) => guardTool(session, tool, defined)),
    // The SDK's own way to hold an answer back: a final answer naming an invented id trips it.
    outputGuardrails: [
      ...agent.outputGuardrails,
      {
        name: 'agent-warden',
        execute: async () => {
          const decision = lastAnswer.get(session);
          const withheld = decision ? withheldAnswer(decision) : undefined;
          return { tripwireTriggered: withheld !== undefined, outputInfo: withheld ?? { flags: decision?.flags ?? [] } };
        },
      },
    ],
  });
  seen.set(agent, clone);
  clone.handoffs = agent.handoffs.map((handoff) => (handoff instanceof Agent ? guardAgentTree(session, handoff, options, seen, true, defined) : handoff)) as typeof clone.handoffs;
  if (handedOff) {
    // A handoff target is a subagent: what it answers enters the session as untrusted input.
    clone.on('agent_end', (_context, output) => void session.subagentOutput(output, { agent: clone.name }).catch(() => {}));
  }
  return clone as TAgent;
}
