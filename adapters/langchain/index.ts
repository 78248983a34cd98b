/**
 * agent-warden/langchain: the guard as a LangChain.js v1 agent middleware, in one line.
 * @example
 * const session = await guard.startSession({ entities: { customer_id: 'cust_789' } });
 * const agent = createAgent({ model, tools, middleware: [wardenMiddleware(session)], checkpointer: new MemorySaver() });
 */
import { AIMessage, createMiddleware, ToolMessage, type BaseMessage } from 'langchain';
import { interrupt } from '@langchain/langgraph';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { refusalText, withheldAnswer, type Decision, type GuardSession, type ModelToolCall } from '../../src/index.js';

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

/**
 * The guard in a `createAgent` run: `wrapModelCall` feeds new user messages (trusted context), reserves
 * budget (answering with the refusal, which ends the run, when the session may not go on), then feeds
 * the answer's usage, finish reason, text and tool calls; `wrapToolCall` checks each call (a refusal becomes an error
 * `ToolMessage` the model reads) and each result. A pause with no escalation handler becomes the
 * framework's `interrupt`: with a checkpointer, the run is resumed by `Command({ resume: { approve } })`.
 */
export function wardenMiddleware(session: GuardSession) {
  let fedMessages = 0;
  const defined = new Set<string>();
  const decisions = new Map<string, Promise<Decision>>();

  /** Defines every tool not defined yet in one list, so the session's first list holds them all (later ones count as added). */
  async function defineAll(tools: readonly unknown[]) {
    const fresh = tools.filter((tool): tool is { name: string } => tool !== null && typeof tool === 'object' && typeof (tool as { name?: unknown }).name === 'string' && !defined.has((tool as { name: string }).name));
    if (fresh.length === 0) return;
    for (const tool of fresh) defined.add(tool.name);
    await session.defineTools(
      fresh.map((tool) => {
        const schema = 'schema' in tool && tool.schema ? (toJsonSchema(tool.schema as never) as Record<string, unknown>) : { type: 'object' };
        return { name: tool.name, ...('description' in tool && typeof tool.description === 'string' ? { description: tool.description } : {}), inputSchema: schema };
      }),
    );
  }

  async function record(ai: AIMessage, reservationId: string | undefined) {
    const toolCalls: ModelToolCall[] = (ai.tool_calls ?? []).map((call, index) => ({ id: call.id ?? `call_${index}`, name: call.name, arguments: call.args }));
    const finish = String(ai.response_metadata?.finish_reason ?? ai.response_metadata?.stop_reason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'));
    const text = messageText(ai);
    return session.modelCall({
      model: String(ai.response_metadata?.model_name ?? ai.response_metadata?.model ?? 'model'),
      ...(ai.usage_metadata ? { inputTokens: ai.usage_metadata.input_tokens, outputTokens: ai.usage_metadata.output_tokens } : {}),
      finishReasons: [finish],
      ...(text !== '' ? { text } : {}),
      toolCalls,
      ...(reservationId ? { reservationId } : {}),
    });
  }

  return createMiddleware({
    name: 'AgentWarden',
    // Everything model-side happens inside the model node: a hook of its own (beforeModel, afterModel)
    // would add a graph node per step, costing time and the run's recursion budget.
    wrapModelCall: async (request, handler) => {
      await defineAll(request.tools ?? []);
      for (const message of request.messages.slice(fedMessages)) {
        if (message.type === 'human') await session.message('user', messageText(message));
        else if (message.type === 'system') await session.message('system', messageText(message));
      }
      const admission = await session.beforeModelCall({ model: 'model' });
      // An answer without tool calls ends the agent loop: the run stops cleanly with the refusal.
      if (!admission.proceed) return new AIMessage(refusalText(admission.refusal!));
      let ai: AIMessage;
      try {
        ai = await handler(request);
      } catch (error) {
        session.releaseModelCall(admission.reservationId);
        throw error;
      }
      fedMessages = request.messages.length + 1;
      // A final answer naming an id no trusted source gave is held back from the user.
      const withheld = withheldAnswer(await record(ai, admission.reservationId));
      return withheld ? new AIMessage({ content: refusalText(withheld), usage_metadata: ai.usage_metadata }) : ai;
    },
    wrapToolCall: async (request, handler) => {
      const { toolCall, tool } = request;
      const callId = toolCall.id ?? `${toolCall.name}_${decisions.size}`;
      if (tool && !defined.has(toolCall.name)) {
        defined.add(toolCall.name);
        const schema = 'schema' in tool && tool.schema ? (toJsonSchema(tool.schema as never) as Record<string, unknown>) : { type: 'object' };
        await session.defineTools([{ name: toolCall.name, ...('description' in tool && typeof tool.description === 'string' ? { description: tool.description } : {}), inputSchema: schema }]);
      }
      // The node re-runs when a paused run resumes: decide each call once.
      let pending = decisions.get(callId);
      if (!pending) {
        pending = session.beforeToolCall({ callId, tool: toolCall.name, arguments: toolCall.args });
        decisions.set(callId, pending);
      }
      const decision = await pending;
      const refuse = (text: string) => new ToolMessage({ content: text, tool_call_id: callId, name: toolCall.name, status: 'error' });
      if (!decision.proceed) {
        if (decision.action !== 'pause' || decision.escalation !== 'unavailable') return refuse(refusalText(decision.refusal!));
        const answer = interrupt<WardenInterrupt, WardenResume>({
          type: 'agent-warden/pause',
          tool: toolCall.name,
          args: toolCall.args,
          flags: decision.flags.map(({ code, message }) => ({ code, message })),
          message: decision.refusal!.message,
        });
        if (!answer?.approve) return refuse(refusalText(decision.refusal!));
        session.resume();
      }
      // The tool gets exactly what was checked: the frozen snapshot of the arguments.
      const result = await handler(decision.arguments ? { ...request, toolCall: { ...toolCall, args: decision.arguments as Record<string, unknown> } } : request);
      if (!ToolMessage.isInstance(result)) return result;
      const checked = await session.afterToolCall({ callId, tool: toolCall.name, result: result.content, ...(result.status === 'error' ? { isError: true } : {}) });
      return checked.proceed ? result : refuse(refusalText(checked.refusal!));
    },
  });
}
