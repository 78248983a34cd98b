/**
 * agent-warden/langchain: the guard as a LangChain.js v1 agent middleware, in one line.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const agent = createAgent({ model, tools, middleware: [wardenMiddleware(session)], checkpointer: new MemorySaver() });
 */
import { AIMessage, createMiddleware, ToolMessage, type BaseMessage } from 'langchain';
import { interrupt } from '@langchain/langgraph';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { definitionOf, guardTool, toolResultOf } from './guarded-tool.js';
import { MessageFeed, refusalText, toolListing, type ConversationMessage, type Decision, type GuardSession, type ModelOutput, type ModelToolCall } from '../../src/index.js';

/** What a human answers when a paused call interrupts the run: `Command({ resume: { approve: true } })`. */
export interface WardenResume {
  approve: boolean;
}

/** The interrupt's value: what was paused, and why. */
export interface WardenInterrupt {
  type: 'agent-warden/pause';
  tool: string;
  args: unknown;
  flags: Array<{ code: string; message: string }>;
  message: string;
}

function messageText(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Calls whose decision a middleware keeps for a node that re-runs on resume, at most. */
const MAX_DECIDED = 1_024;

const ROLES: Record<string, string> = { human: 'user', system: 'system', ai: 'assistant', tool: 'tool' };

function conversationOf(system: BaseMessage | undefined, messages: readonly BaseMessage[]): ConversationMessage[] {
  const all = system && messageText(system) !== '' ? [system, ...messages] : messages;
  return all.map((message) => ({ role: (Object.hasOwn(ROLES, message.type) ? ROLES[message.type] : undefined) ?? message.type, text: messageText(message) }));
}

/** The model's name as configured (`model` or `modelName` on the chat model), else its class name. */
function modelNameOf(model: unknown): string {
  const named = model as { model?: unknown; modelName?: unknown; getName?: () => string };
  if (typeof named.model === 'string' && named.model !== '') return named.model;
  if (typeof named.modelName === 'string' && named.modelName !== '') return named.modelName;
  return typeof named.getName === 'function' ? named.getName() : 'model';
}

function maxTokensOf(model: unknown): number | undefined {
  const limited = model as { maxTokens?: unknown };
  return typeof limited.maxTokens === 'number' && limited.maxTokens > 0 ? limited.maxTokens : undefined;
}

function outputOf(ai: AIMessage): ModelOutput {
  const toolCalls: ModelToolCall[] = (ai.tool_calls ?? []).map((call, index) => ({ id: call.id ?? `call_${index}`, name: call.name, arguments: call.args }));
  const finish = String(ai.response_metadata?.finish_reason ?? ai.response_metadata?.stop_reason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  const text = messageText(ai);
  const model = ai.response_metadata?.model_name ?? ai.response_metadata?.model;
  return {
    ...(typeof model === 'string' && model !== '' ? { model } : {}),
    ...(ai.usage_metadata ? { inputTokens: ai.usage_metadata.input_tokens, outputTokens: ai.usage_metadata.output_tokens } : {}),
    finishReasons: [finish],
    ...(text !== '' ? { text } : {}),
    toolCalls,
  };
}

/**
 * The guard in a `createAgent` run: `wrapModelCall` runs each model call through the session's
 * model-call protocol (new user and system messages as trusted context, budget reserved with an
 * estimate, usage, finish reason, text and tool calls recorded; a refused call answers with the
 * refusal, which ends the run); `wrapToolCall` runs each tool call through the tool-call protocol (a
 * refusal becomes an error `ToolMessage` the model reads). A pause with no escalation handler becomes
 * the framework's `interrupt`: with a checkpointer, the run is resumed by `Command({ resume: { approve } })`.
 */
export function wardenMiddleware(session: GuardSession) {
  const feed = new MessageFeed();
  const defined = new Set<string>();
  const decisions = new Map<string, Promise<Decision>>();

  /**
   * Defines every tool not defined yet in one list, so the session's first list holds them all (later ones
   * count as added). A listing the guard failed to take is tried again next time; the call is decided either way.
   */
  async function defineAll(tools: readonly object[]) {
    const fresh = tools.filter((tool): tool is { name: string } => tool !== null && typeof tool === 'object' && typeof (tool as { name?: unknown }).name === 'string' && !defined.has((tool as { name: string }).name));
    if (fresh.length === 0) return;
    for (const tool of fresh) defined.add(tool.name);
    try {
      await session.defineTools(fresh.map((tool) => definitionOf(tool.name, tool)));
    } catch {
      for (const tool of fresh) defined.delete(tool.name);
    }
  }

  return createMiddleware({
    name: 'AgentWarden',
    // Everything model-side happens inside the model node: a hook of its own (beforeModel, afterModel)
    // would add a graph node per step, costing time and the run's recursion budget.
    wrapModelCall: async (original, handler) => {
      await defineAll((original.tools ?? []) as object[]);
      // A tool whose definition carries instructions aimed at the model (tool poisoning) is not shown to it.
      const tools = original.tools ?? [];
      const shown = session.shownTools(tools);
      const request = shown === tools ? original : { ...original, tools: [...shown] };
      const maxOutputTokens = maxTokensOf(request.model);
      const outcome = await session.guardModelCall(
        { model: modelNameOf(request.model), messages: conversationOf(request.systemMessage, request.messages), feed, ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}) },
        () => handler(request),
        (ai) => outputOf(ai),
      );
      // An answer without tool calls ends the agent loop: the run stops cleanly with the refusal.
      if (outcome.refusal) return new AIMessage(refusalText(outcome.refusal));
      const ai = outcome.value!;
      // A final answer naming an id no trusted source gave is held back from the user.
      return outcome.withheld ? new AIMessage({ content: refusalText(outcome.withheld), usage_metadata: ai.usage_metadata }) : ai;
    },
    wrapToolCall: async (request, handler) => {
      const { toolCall, tool } = request;
      const callId = toolCall.id ?? `${toolCall.name}_${decisions.size}`;
      if (tool) await defineAll([tool]);
      const call = { callId, tool: toolCall.name, arguments: toolCall.args };
      // The node re-runs when a paused run resumes: decide each call once.
      let decision = decisions.get(callId);
      if (!decision) {
        // Opened only for its decision (the ticket's): a guard that throws gives GUARD_ERROR, refused or, failing open, allowed.
        decision = session.openToolCall(call).then((ticket) => ticket.decision);
        decisions.set(callId, decision);
        if (decisions.size > MAX_DECIDED) decisions.delete(decisions.keys().next().value!);
      }
      const decided = await decision;
      let approved = false;
      if (decided.action === 'pause' && decided.escalation === 'unavailable') {
        const answer = interrupt<WardenInterrupt, WardenResume>({
          type: 'agent-warden/pause',
          tool: toolCall.name,
          args: toolCall.args,
          flags: decided.flags.map(({ code, message }) => ({ code, message })),
          message: decided.refusal!.message,
        });
        approved = answer?.approve === true;
      }
      const outcome = await session.guardToolCall(call, (args) => handler({ ...request, toolCall: { ...toolCall, args } }), {
        decision: decided,
        approved,
        // A `Command` (a handoff, a state update) is control flow, not a result the model reads.
        resultOf: (result) => (ToolMessage.isInstance(result) ? toolResultOf(result) : undefined),
      });
      if (outcome.refusal) return new ToolMessage({ content: refusalText(outcome.refusal), tool_call_id: callId, name: toolCall.name, status: 'error' });
      return outcome.value!;
    },
  });
}

/**
 * Tools for a graph of your own (a LangGraph `ToolNode`, `tool.invoke`), each run through the guard and
 * otherwise the original (see guarded-tool.ts). With `createAgent`, use `wardenMiddleware` instead.
 * @example
 * const tools = guardTools(session, [getOrder, listOrders]);
 * const graph = new StateGraph(MessagesAnnotation).addNode('tools', new ToolNode(tools));
 */
export function guardTools<T extends StructuredToolInterface>(session: GuardSession, tools: readonly T[]): T[] {
  const listing = toolListing(() => session.defineTools(tools.map((tool) => definitionOf(tool.name, tool))));
  return tools.map((tool) => guardTool(session, tool, () => listing.ready()));
}
