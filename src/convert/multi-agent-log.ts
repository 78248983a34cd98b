import type { TraceEvent } from '../trace/events.js';

/**
 * One message of a multi-agent chat log: who spoke (`role`, and `name` when the framework puts the
 * agent there) and what was said. Magentic-One writes `{role: "Orchestrator (-> WebSurfer)"}`, AG2
 * `{role: "user", name: "Computer_terminal"}`; the Who&When benchmark keeps both shapes.
 */
export interface AgentMessage {
  role: string;
  name?: string;
  content?: string | null | Array<{ type: string; text?: string }>;
}

/** A multi-agent run as the Who&When benchmark stores it: the chat `history`, the task, any other fields. */
export interface MultiAgentLog {
  history: AgentMessage[];
  question?: string;
  [field: string]: unknown;
}

export interface MultiAgentConvertOptions {
  sessionId: string;
  /** The model name recorded on the main agent's `llm.call` events (default `"unknown"`). */
  model?: string;
  /** The agent whose messages are the model under guard; the others are its subagents. Default: the one that addresses other agents, else the `assistant`, else the first to speak. */
  mainAgent?: string;
}

/**
 * `history[i]` is step `i + HISTORY_STEP_OFFSET` of the converted session: step 0 is the
 * `session.start` (the spec places it there), and every message is exactly one event after it.
 */
export const HISTORY_STEP_OFFSET = 1;

/** The key of `session.start.metadata` the converter writes: the mapping and the log's own fields. */
const LOG_METADATA_KEY = 'multi_agent_log';

/** Speakers that are the person asking, not an agent. */
const HUMAN_ROLES: ReadonlySet<string> = new Set(['human', 'user']);
/** Top-level fields not copied into the metadata: the history is the session, the task is its goal, prompts are large. */
const NOT_METADATA: ReadonlySet<string> = new Set(['history', 'question', 'system_prompt']);

function text(content: AgentMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
  return '';
}

/** Who wrote a message: an agent (with the agent it addressed, if any), the human, or the system prompt. */
type Speaker = { kind: 'human' } | { kind: 'system' } | { kind: 'agent'; agent: string; addressee?: string };

/**
 * `Orchestrator (-> WebSurfer)`: the agent, then what it did in parentheses (`thought`, `-> Agent`, ...),
 * split at the first `(` of a role ending in `)`. Read by index, not by a regular expression: a role
 * comes from the log, and `^(.*?)\s*\(` backtracks quadratically over a long run of spaces.
 */
function qualifiedRole(role: string): [agent: string, qualifier: string] | undefined {
  if (!role.endsWith(')') || /[\n\r\u2028\u2029]/.test(role)) return undefined;
  const open = role.indexOf('(');
  return open === -1 ? undefined : [role.slice(0, open).trimEnd(), role.slice(open + 1, -1)];
}

function speakerOf(message: AgentMessage): Speaker {
  const name = typeof message.name === 'string' ? message.name.trim() : '';
  if (name !== '') return { kind: 'agent', agent: name };
  const role = message.role.trim();
  if (HUMAN_ROLES.has(role.toLowerCase())) return { kind: 'human' };
  if (role.toLowerCase() === 'system') return { kind: 'system' };
  const qualified = qualifiedRole(role);
  if (!qualified || qualified[0] === '') return { kind: 'agent', agent: role };
  const addressee = /^->\s*(.+)$/.exec(qualified[1].trim())?.[1];
  return { kind: 'agent', agent: qualified[0], ...(addressee ? { addressee } : {}) };
}

/**
 * The agent that plays the model under guard, when none is named: the one that addresses other agents
 * (Magentic-One's orchestrator), else the one whose messages carry the role `assistant` (AG2 records a
 * group chat from that agent's side), else the first agent to speak.
 */
function mainAgentOf(history: readonly AgentMessage[]): string | undefined {
  let assistant: string | undefined;
  let first: string | undefined;
  for (const message of history) {
    const speaker = speakerOf(message);
    if (speaker.kind !== 'agent') continue;
    if (speaker.addressee !== undefined) return speaker.agent;
    first ??= speaker.agent;
    if (message.role === 'assistant') assistant ??= speaker.agent;
  }
  return assistant ?? first;
}

/** The log's other scalar fields (ids, labels, expected answers): kept for the reader, never read by the guard. */
function logFields(log: MultiAgentLog): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  for (const [field, value] of Object.entries(log)) {
    if (NOT_METADATA.has(field)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') kept[field] = value;
  }
  return kept;
}

/**
 * Turns a multi-agent chat log (`{history: [{role, name?, content}], question?}`, as in the Who&When
 * benchmark) into trace v1, one event per message so that step `i + HISTORY_STEP_OFFSET` is
 * `history[i]`: the human's message is a user `message`; the main agent's (the orchestrator's) an
 * `llm.call` of that agent; every other agent's, tool terminals and web surfers included, a
 * `subagent.output` of that agent, untrusted as subagent content always is. The task is the session's
 * goal, and the log's other scalar fields (labels included) are kept in `session.start.metadata`
 * under `multi_agent_log`, which no check or triage reads.
 */
export function convertMultiAgentLog(log: MultiAgentLog, options: MultiAgentConvertOptions): TraceEvent[] {
  const session_id = options.sessionId;
  const main = options.mainAgent ?? mainAgentOf(log.history);
  const events: TraceEvent[] = [];
  events.push({
    session_id,
    step: 0,
    type: 'session.start',
    ...(typeof log.question === 'string' && log.question !== '' ? { goal: log.question } : {}),
    metadata: { [LOG_METADATA_KEY]: { history_step_offset: HISTORY_STEP_OFFSET, ...(main !== undefined ? { main_agent: main } : {}), fields: logFields(log) } },
  });
  for (const [index, message] of log.history.entries()) {
    const step = index + HISTORY_STEP_OFFSET;
    const content = text(message.content);
    const speaker = speakerOf(message);
    if (speaker.kind === 'human') events.push({ session_id, step, type: 'message', role: 'user', content });
    else if (speaker.kind === 'system') events.push({ session_id, step, type: 'message', role: 'system', content });
    else if (speaker.agent === main) {
      events.push({ session_id, step, type: 'llm.call', agent: speaker.agent, model: options.model ?? 'unknown', finish_reasons: ['stop'], output: content !== '' ? { text: content } : {} });
    } else events.push({ session_id, step, type: 'subagent.output', agent: speaker.agent, content });
  }
  return events;
}
