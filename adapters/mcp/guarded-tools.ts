import { createHash, randomUUID } from 'node:crypto';
import type { CallToolResult, ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { Guard, refusalText, type EscalationAnswer, type EscalationHandler, type Flag, type GuardOptions, type GuardSession, type Refusal } from '../../src/index.js';
import { samplingModel, samplingText, type SamplingParams } from './sampling.js';

/** `_meta` key a client may use to declare the session's key entities on its first request. */
export const ENTITIES_META_KEY = 'agent-warden/entities';
/** `_meta` key carrying the structured refusal on a refused call's result. */
export const REFUSAL_META_KEY = 'agent-warden/refusal';

export interface McpGuardOptions {
  /**
   * A guard of your own, or options to create one. Its `tools` are ignored: MCP tools come from tools/list.
   * With options, a pause asks the user through the client's elicitation when the client supports it
   * (unless `escalate` is given); a guard of your own keeps its own escalation handler.
   */
  guard?: Guard | Omit<GuardOptions, 'tools'>;
  /** Entities every session is about, when clients do not declare them in `_meta`. */
  entities?: Record<string, string | string[]>;
  /** Goal recorded on each session. */
  goal?: string;
}

export interface CallToolParams {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** Asks the person behind an MCP session about a pause (through elicitation). */
export type PauseQuestion = (flags: Flag[]) => Promise<EscalationAnswer>;

/** A call the guard let through: what its result is checked against. */
export interface AdmittedCall {
  callId: string;
  tool: string;
  /** The deep-frozen snapshot of the arguments the guard checked and recorded (value-equal to what the server is sent). */
  arguments: Readonly<Record<string, unknown>>;
}

/** A sampling request the guard let through, with the budget it reserved. */
export interface AdmittedSampling {
  reservationId?: string;
  model: string;
  inputTokens: number;
}

/** Every page of a tools/list, whoever serves it (a handler in process, an upstream client). */
export async function listAllTools(page: (cursor: string | undefined) => Promise<ListToolsResult>): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    // A server whose cursor never ends would grow the list without bound: it is not pinned (calls fail closed).
    if (++pages > MAX_LIST_PAGES) throw new Error(`the server's tools/list did not end after ${MAX_LIST_PAGES} pages`);
    const result = await page(cursor);
    tools.push(...result.tools);
    cursor = result.nextCursor;
  } while (cursor);
  return tools;
}

/** Pages of one tools/list read, at most: real servers list 1-200 tools, in a page or a few. */
export const MAX_LIST_PAGES = 1_024;

/** What a session's pinned list is told by: a digest, not the list's text (a session keeps 32 bytes, however long the list). */
function fingerprintOf(tools: readonly Tool[]): string {
  return createHash('sha256').update(JSON.stringify(tools)).digest('base64');
}

/** The structured refusal as a tool result: `isError`, a text the model can act on, the refusal in `_meta`. */
export function refusalResult(refusal: Refusal, note?: string): CallToolResult {
  const text = note ? `${refusalText(refusal)} ${note}` : refusalText(refusal);
  return { isError: true, content: [{ type: 'text', text }], _meta: { [REFUSAL_META_KEY]: refusal } };
}

function declaredEntities(meta: Record<string, unknown> | undefined): Record<string, string | string[]> | undefined {
  const value = meta?.[ENTITIES_META_KEY];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entities: Record<string, string | string[]> = {};
  for (const [kind, id] of Object.entries(value)) {
    if (typeof id === 'string') entities[kind] = id;
    else if (Array.isArray(id) && id.every((item) => typeof item === 'string')) entities[kind] = id as string[];
  }
  return Object.keys(entities).length > 0 ? entities : undefined;
}

/**
 * The guard between MCP clients and tools, shared by the in-process wrapper and the proxy: one guard
 * session per MCP session, definitions pinned from tools/list, every call checked before it runs and
 * every result before it is returned, sampling requests counted and scanned. Sessions never see the
 * conversation, so ids are checked with the `tool-results` provenance: read-only lookups may introduce
 * ids; other tools need ids that a result carried, a resolver verified, or the client declared.
 * A pause nobody can answer lifts after the policy's `pauseTimeoutMs`, so a session is never stuck.
 */
export class McpGuard {
  readonly guard: Guard;
  private readonly sessions = new Map<string, Promise<GuardSession>>();
  private readonly listed = new Map<string, string>();
  private readonly questions = new Map<string, PauseQuestion>();
  private readonly pauses = new Map<string, { timer: NodeJS.Timeout; until: number }>();
  private calls = 0;

  constructor(private readonly options: McpGuardOptions = {}) {
    if (options.guard instanceof Guard) this.guard = options.guard;
    else {
      const own = options.guard?.escalate;
      this.guard = new Guard({ ...options.guard, escalate: (request) => this.escalate(request, own) });
    }
    this.guard.on('pause', ({ sessionId }) => this.paused(sessionId));
    this.guard.on('resume', ({ sessionId }) => this.unpaused(sessionId));
    this.guard.on('kill', ({ sessionId }) => this.unpaused(sessionId));
  }

  /** The guard session of an MCP session (a stdio connection is one), started on its first request. */
  session(key: string, meta?: Record<string, unknown>): Promise<GuardSession> {
    let session = this.sessions.get(key);
    if (!session) {
      const entities = declaredEntities(meta) ?? this.options.entities;
      session = this.guard.startSession({
        sessionId: key,
        provenance: 'tool-results',
        ...(entities ? { entities } : {}),
        ...(this.options.goal ? { goal: this.options.goal } : {}),
      });
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Lets pauses in this session be put to the person behind the client (undefined: nobody to ask). */
  askOnPause(key: string, question: PauseQuestion | undefined): void {
    if (question) this.questions.set(key, question);
    else this.questions.delete(key);
  }

  /** Whether a pause in this session can be asked about. */
  canAsk(key: string): boolean {
    return this.questions.has(key);
  }

  private async escalate(request: Parameters<EscalationHandler>[0], own: EscalationHandler | undefined): Promise<EscalationAnswer> {
    if (own) return own(request);
    const question = this.questions.get(request.sessionId);
    // Nobody to ask: the call is refused and the pause lifts after pauseTimeoutMs.
    return question ? question(request.flags) : 'deny';
  }

  private paused(sessionId: string): void {
    if (!this.sessions.has(sessionId)) return;
    this.unpaused(sessionId);
    const timeout = this.guard.policy.pauseTimeoutMs;
    const timer = setTimeout(() => {
      this.pauses.delete(sessionId);
      void this.sessions.get(sessionId)?.then((session) => {
        if (session.status === 'paused') session.resume();
      });
    }, timeout);
    timer.unref?.();
    this.pauses.set(sessionId, { timer, until: Date.now() + timeout });
  }

  private unpaused(sessionId: string): void {
    const pause = this.pauses.get(sessionId);
    if (!pause) return;
    clearTimeout(pause.timer);
    this.pauses.delete(sessionId);
  }

  /** What a refused call's text adds about a pause: when it lifts by itself. */
  private pauseNote(key: string, refusal: Refusal): string | undefined {
    const pause = this.pauses.get(key);
    if (!pause || refusal.action !== 'pause') return undefined;
    const seconds = Math.max(1, Math.ceil((pause.until - Date.now()) / 1000));
    return `Nobody could answer the pause here, so it lifts by itself in about ${seconds} s (policy pauseTimeoutMs).`;
  }

  /** Pins the definitions a client was shown; a changed one is flagged (TOOL_DEFINITION_CHANGED). */
  async toolsListed(key: string, tools: readonly Tool[], meta?: Record<string, unknown>): Promise<void> {
    await this.pin(key, tools, fingerprintOf(tools), meta);
  }

  /**
   * Tools of a listed session held back because their definition carries instructions aimed at the
   * agent (tool poisoning): a list shown to the client leaves them out, so the model never reads them.
   */
  async poisonedTools(key: string): Promise<ReadonlySet<string>> {
    const session = await this.session(key);
    return new Set(session.pendingDefinitions().filter((pending) => pending.change === 'injection').map((pending) => pending.name));
  }

  /**
   * The tools of a list a client may be shown: without those held back for tool poisoning and, once the
   * session dropped tools past `limits.maxTools`, without those it does not keep (their calls are refused).
   */
  async shownTools(key: string, tools: readonly Tool[]): Promise<readonly Tool[]> {
    return (await this.session(key)).shownTools(tools);
  }

  /** Re-pins after a list_changed notification, in every live session. */
  async toolsChanged(tools: readonly Tool[]): Promise<void> {
    const fingerprint = fingerprintOf(tools);
    for (const key of this.sessions.keys()) await this.pin(key, tools, fingerprint);
  }

  /** Whether this session has pinned a tool list yet. */
  hasListed(key: string): boolean {
    return this.listed.has(key);
  }

  private async pin(key: string, tools: readonly Tool[], fingerprint: string, meta?: Record<string, unknown>): Promise<void> {
    const session = await this.session(key, meta);
    if (this.listed.get(key) === fingerprint) return;
    this.listed.set(key, fingerprint);
    await session.defineTools(
      tools.map((tool) => ({
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        inputSchema: tool.inputSchema as Record<string, unknown>,
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Record<string, unknown> } : {}),
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      })),
    );
  }

  /**
   * Checks a tools/call before it runs: either the call to run (check its result with `checkResult`), or
   * the refusal to answer with. `listTools` pins the definitions when the client never listed them.
   */
  async admitCall(key: string, params: CallToolParams, listTools: () => Promise<readonly Tool[]>): Promise<{ admitted: AdmittedCall } | { refused: CallToolResult }> {
    const session = await this.session(key, params._meta);
    if (!this.listed.has(key)) await this.toolsListed(key, await listTools());
    const callId = `mcp_${++this.calls}_${randomUUID().slice(0, 8)}`;
    // The call protocol decides it and keeps the frozen snapshot of what it checked (its result is recorded by checkResult).
    const ticket = await session.openToolCall({ callId, tool: params.name, arguments: params.arguments ?? {} });
    if (!ticket.proceed) {
      const refusal = ticket.refusal!;
      const note = ticket.decision.escalation === 'killed' ? 'The user chose to stop the session.' : this.pauseNote(key, refusal);
      return { refused: refusalResult(refusal, note) };
    }
    return { admitted: { callId, tool: params.name, arguments: ticket.arguments } };
  }

  /** Checks what an admitted call returned: the result itself, or the refusal that replaces it. */
  async checkResult(key: string, call: AdmittedCall, result: CallToolResult): Promise<CallToolResult> {
    const session = await this.session(key);
    const { _meta: _ignored, ...content } = result;
    const checked = await session.afterToolCall({ callId: call.callId, tool: call.tool, result: content, ...(result.isError ? { isError: true } : {}) });
    return checked.proceed ? result : refusalResult(checked.refusal!, this.pauseNote(key, checked.refusal!));
  }

  /**
   * Records that an admitted call failed (a JSON-RPC error, a thrown error, a cancellation). The error's text reaches
   * the model as any result does (clients and frameworks hand it over), so it is checked as one: the refusal's text when
   * it is withheld (it carried instructions for the model), else `undefined`.
   */
  async callFailed(key: string, call: AdmittedCall, message: string): Promise<string | undefined> {
    const session = await this.session(key);
    const checked = await session.afterToolCall({ callId: call.callId, tool: call.tool, result: { error: message }, isError: true });
    return checked.proceed ? undefined : refusalText(checked.refusal!);
  }

  /**
   * Checks a tools/call, runs it if allowed, checks its result. A refused call or withheld result comes
   * back as an `isError` result; errors of the tool itself (or of the upstream) are rethrown unchanged.
   */
  async call(key: string, params: CallToolParams, execute: (checked: CallToolParams) => Promise<CallToolResult>, listTools: () => Promise<readonly Tool[]>): Promise<CallToolResult> {
    const admission = await this.admitCall(key, params, listTools);
    if ('refused' in admission) return admission.refused;
    let result: CallToolResult;
    try {
      // Forward exactly what was checked: the frozen snapshot of the arguments.
      result = await execute({ ...params, arguments: admission.admitted.arguments as Record<string, unknown> });
    } catch (error) {
      const withheld = await this.callFailed(key, admission.admitted, (error as Error)?.message ?? String(error));
      // The tool's error is rethrown unchanged, unless its text is withheld: then an error saying so, in its place.
      if (withheld !== undefined) throw new Error(withheld);
      throw error;
    }
    return this.checkResult(key, admission.admitted, result);
  }

  /**
   * Checks a server's sampling/createMessage before it reaches the client: its messages are scanned like
   * content from outside (prompt injection), and its tokens (an estimate: MCP reports no usage) are
   * reserved against the session's budget. Settle it with `samplingDone`.
   */
  async admitSampling(key: string, params: SamplingParams): Promise<{ admitted: AdmittedSampling } | { refused: Refusal }> {
    const session = await this.session(key);
    const text = samplingText(params);
    const scanned = await session.contextAdd('mcp:sampling/createMessage', text);
    if (!scanned.proceed) return { refused: scanned.refusal! };
    const model = samplingModel(params);
    const inputTokens = Math.ceil(text.length / 4);
    const maxTokens = typeof params.maxTokens === 'number' && params.maxTokens > 0 ? params.maxTokens : 0;
    const admission = await session.beforeModelCall({ model, estimatedInputTokens: inputTokens, maxOutputTokens: maxTokens });
    if (!admission.proceed) return { refused: admission.refusal! };
    return { admitted: { model, inputTokens, ...(admission.reservationId ? { reservationId: admission.reservationId } : {}) } };
  }

  /** Reconciles a sampling request's reservation with what the client produced (or releases it: no answer). */
  async samplingDone(key: string, sampling: AdmittedSampling, result: { model?: unknown; content?: unknown } | undefined): Promise<void> {
    const session = await this.session(key);
    if (!result) {
      session.releaseModelCall(sampling.reservationId);
      return;
    }
    const output = samplingText({ messages: [{ role: 'assistant', content: result.content }] });
    await session.modelCall({
      model: typeof result.model === 'string' ? result.model : sampling.model,
      inputTokens: sampling.inputTokens,
      outputTokens: Math.ceil(output.length / 4),
      ...(sampling.reservationId ? { reservationId: sampling.reservationId } : {}),
    });
  }

  /** Ends an MCP session's guard session (its transport closed). */
  async end(key: string): Promise<void> {
    const session = this.sessions.get(key);
    this.questions.delete(key);
    this.unpaused(key);
    if (!session) return;
    this.sessions.delete(key);
    this.listed.delete(key);
    const started = await session;
    if (started.status === 'active') await started.end('completed');
    this.guard.endSession(key);
  }

  async endAll(): Promise<void> {
    for (const key of [...this.sessions.keys()]) await this.end(key);
  }

  /** A session key for a connection that has no MCP session id (stdio, in-memory). */
  static connectionKey(): string {
    return `mcp-${randomUUID()}`;
  }
}
