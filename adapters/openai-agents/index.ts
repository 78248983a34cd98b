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
import { copyToolWith, MessageFeed, refusalText, toolListing, type ToolListing, withheldAnswer, type ConversationMessage, type Decision, type GuardSession, type ModelOutput, type ModelRequestInput, type ModelToolCall, type ToolCallTicket } from '../../src/index.js';
import { toolArguments } from '../../src/text/index.js';

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

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** The request as a conversation: instructions first, then the input items (tool outputs as text, for the size estimate). */
function conversationOf(request: ModelRequest): ConversationMessage[] {
  const input = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
  const messages: ConversationMessage[] = request.systemInstructions ? [{ role: 'system', text: request.systemInstructions }] : [];
  for (const item of input) {
    const entry = item as { role?: string; content?: unknown; type?: string; output?: unknown; arguments?: string };
    if (entry.role !== undefined) messages.push({ role: entry.role, text: textOfContent(entry.content) });
    else messages.push({ role: entry.type ?? 'item', text: typeof entry.output === 'string' ? entry.output : (entry.arguments ?? textOfContent(entry.output)) });
  }
  return messages;
}

function outputOf(response: Pick<ModelResponse, 'usage' | 'output'>): ModelOutput {
  const toolCalls = toolCallsOf(response.output);
  const text = textOfOutput(response.output);
  return {
    inputTokens: response.usage.inputTokens,
    outputTokens: response.usage.outputTokens,
    finishReasons: [toolCalls.length > 0 ? 'tool_calls' : 'stop'],
    ...(text !== undefined ? { text } : {}),
    toolCalls,
  };
}

/** What each session has been fed: one run's agents share one conversation. */
const feeds = new WeakMap<GuardSession, MessageFeed>();
/** The guard's decision on the last answer the model gave, for the agent's output guardrail. */
const lastAnswer = new WeakMap<GuardSession, Decision>();
/** Each session's tool listing (`guardAgent`): a model call is shaped once its definitions were checked. */
const listed = new WeakMap<GuardSession, ToolListing>();

/**
 * A `Model` that runs every call through the session's model-call protocol (user input and
 * instructions as trusted context, budget reserved with an estimate, usage, tool calls and text
 * recorded): a halted or spent session answers with the refusal as the agent's output instead of
 * calling the provider.
 */
export class GuardedModel implements Model {
  constructor(
    private readonly session: GuardSession,
    private readonly inner: Model,
    private readonly modelName = 'model',
  ) {}

  private requestOf(request: ModelRequest): ModelRequestInput {
    let feed = feeds.get(this.session);
    if (!feed) feeds.set(this.session, (feed = new MessageFeed()));
    const maxOutputTokens = request.modelSettings?.maxTokens;
    return { model: this.modelName, messages: conversationOf(request), feed, ...(maxOutputTokens ? { maxOutputTokens } : {}) };
  }

  private remember(decision: Decision | undefined, output: ModelOutput): void {
    if (decision && (output.toolCalls ?? []).length === 0) lastAnswer.set(this.session, decision);
  }

  /** The request without tools whose definitions carry instructions aimed at the model (tool poisoning): it never reads them. */
  private async shown(request: ModelRequest): Promise<ModelRequest> {
    if (request.tools.length === 0) return request;
    // The agent's tools reach the session when guardAgent lists them: wait for that first.
    await listed.get(this.session)?.settled();
    const shown = this.session.shownTools(request.tools);
    return shown === request.tools ? request : { ...request, tools: [...shown] };
  }

  async getResponse(original: ModelRequest): Promise<ModelResponse> {
    const request = await this.shown(original);
    let output: ModelOutput | undefined;
    const outcome = await this.session.guardModelCall(this.requestOf(request), () => this.inner.getResponse(request), (response) => (output = outputOf(response)));
    if (outcome.refusal) return refusalResponse(refusalText(outcome.refusal));
    this.remember(outcome.decision, output!);
    return outcome.value!;
  }

  async *getStreamedResponse(original: ModelRequest): AsyncIterable<StreamEvent> {
    const request = await this.shown(original);
    const ticket = await this.session.openModelCall(this.requestOf(request));
    if (!ticket.proceed) {
      const response = refusalResponse(refusalText(ticket.refusal!));
      yield { type: 'response_done', response: { id: 'agent-warden', usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }, output: response.output } } as StreamEvent;
      return;
    }
    try {
      for await (const event of this.inner.getStreamedResponse(request)) {
        if (event.type === 'response_done') {
          const output = outputOf({ usage: new Usage(event.response.usage), output: event.response.output });
          this.remember(await ticket.finish(output), output);
        }
        yield event;
      }
    } finally {
      // A stream that failed or was abandoned gives its reservation back (nothing once finished).
      ticket.fail();
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
/** Calls a tool keeps open between its guardrails (an approval nobody answered stays open), at most. */
const MAX_OPEN_CALLS = 1_024;

function guardTool(session: GuardSession, tool: Tool, ready: () => Promise<void>): Tool {
  if (tool.type !== 'function') return tool;
  const functionTool = tool as FunctionTool<any, any, any>;
  const tickets = new Map<string, Promise<ToolCallTicket>>();
  // An agent used as a tool is a subagent: its answer is untrusted input, not a tool result.
  const subagent = isAgentTool(tool) ? { subagent: tool.name } : {};
  // The SDK asks about a call in its approval hook, then in the input guardrail: decide it once.
  const open = (callId: string, args: unknown) => {
    let ticket = tickets.get(callId);
    if (!ticket) {
      const call = { callId, tool: tool.name, arguments: typeof args === 'string' ? args : ((args ?? {}) as Record<string, unknown>) };
      ticket = ready().then(() => session.openToolCall(call, subagent));
      tickets.set(callId, ticket);
      if (tickets.size > MAX_OPEN_CALLS) tickets.delete(tickets.keys().next().value!);
    }
    return ticket;
  };
  const approvalsAsked = new Set<string>();
  const needsApproval = functionTool.needsApproval;
  const hooks: Pick<FunctionTool<any, any, any>, 'needsApproval' | 'inputGuardrails' | 'outputGuardrails'> = {
    async needsApproval(runContext, input, callId) {
      if (callId !== undefined) {
        const { decision } = await open(callId, input);
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
          const ticket = await open(toolCall.callId, toolCall.arguments);
          if (!ticket.proceed && approvalsAsked.delete(toolCall.callId)) {
            // Reaching execution after the interruption means a human approved the call.
            const approved = session.openToolCall({ callId: toolCall.callId, tool: tool.name, arguments: toolCall.arguments }, { ...subagent, decision: ticket.decision, approved: true });
            tickets.set(toolCall.callId, approved);
            await approved;
            return ToolGuardrailFunctionOutputFactory.allow({ approvedByHuman: true });
          }
          if (ticket.proceed) return ToolGuardrailFunctionOutputFactory.allow({ flags: ticket.decision.flags });
          tickets.delete(toolCall.callId);
          return ToolGuardrailFunctionOutputFactory.rejectContent(refusalText(ticket.refusal!), { flags: ticket.decision.flags });
        },
      }),
    ],
    outputGuardrails: [
      ...(functionTool.outputGuardrails ?? []),
      defineToolOutputGuardrail({
        name: 'agent-warden',
        run: async ({ toolCall, output }) => {
          const ticket = await open(toolCall.callId, toolCall.arguments);
          tickets.delete(toolCall.callId);
          const checked = await ticket.finish(output);
          return checked.proceed ? ToolGuardrailFunctionOutputFactory.allow() : ToolGuardrailFunctionOutputFactory.rejectContent(refusalText(checked.refusal!), { flags: checked.flags });
        },
      }),
    ],
  };
  // The tool with the guard's hooks, all else as the original defines it (a class-built tool keeps its prototype's invoke and accessors).
  return copyToolWith(tool, hooks);
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
  const listing = toolListing(() => session.defineTools([...definitions.values()]));
  listed.set(session, listing);
  return guardAgentTree(session, agent, options, new Map(), false, () => listing.ready());
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

function guardAgentTree<TAgent extends Agent<any, any>>(session: GuardSession, agent: TAgent, options: GuardAgentOptions, seen: Map<Agent<any, any>, Agent<any, any>>, handedOff: boolean, ready: () => Promise<void>): TAgent {
  const existing = seen.get(agent);
  if (existing) return existing as TAgent;
  const inner = options.model ?? (typeof agent.model === 'string' ? undefined : agent.model);
  const modelName = typeof agent.model === 'string' && agent.model !== '' ? agent.model : agent.name;
  const clone = agent.clone({
    ...(inner ? { model: new GuardedModel(session, inner, modelName) } : {}),
    tools: agent.tools.map((tool) => guardTool(session, tool, ready)),
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
  clone.handoffs = agent.handoffs.map((handoff) => (handoff instanceof Agent ? guardAgentTree(session, handoff, options, seen, true, ready) : handoff)) as typeof clone.handoffs;
  if (handedOff) {
    // A handoff target is a subagent: what it answers enters the session as untrusted input.
    clone.on('agent_end', (_context, output) => void session.subagentOutput(output, { agent: clone.name }).catch(() => {}));
  }
  return clone as TAgent;
}
