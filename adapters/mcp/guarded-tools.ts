import { randomUUID } from 'node:crypto';
import type { CallToolResult, ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { Guard, refusalText, type GuardOptions, type GuardSession, type Refusal } from '../../src/index.js';

/** `_meta` key a client may use to declare the session's key entities on its first request. */
export const ENTITIES_META_KEY = 'agent-warden/entities';
/** `_meta` key carrying the structured refusal on a refused call's result. */
export const REFUSAL_META_KEY = 'agent-warden/refusal';

export interface McpGuardOptions {
  /** A guard of your own, or options to create one. Its `tools` are ignored: MCP tools come from tools/list. */
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

/** Every page of a tools/list, whoever serves it (a handler in process, an upstream client). */
export async function listAllTools(page: (cursor: string | undefined) => Promise<ListToolsResult>): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    tools.push(...result.tools);
    cursor = result.nextCursor;
  } while (cursor);
  return tools;
}

/** The structured refusal as a tool result: `isError`, a text the model can act on, the refusal in `_meta`. */
export function refusalResult(refusal: Refusal): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: refusalText(refusal) }], _meta: { [REFUSAL_META_KEY]: refusal } };
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
 * every result before it is returned. Sessions never see the conversation, so ids are checked with the
 * `tool-results` provenance: read-only lookups may introduce ids; other tools need ids that a result
 * carried, a resolver verified, or the client declared.
 */
export class McpGuard {
  readonly guard: Guard;
  private readonly sessions = new Map<string, Promise<GuardSession>>();
  private readonly listed = new Map<string, string>();
  private calls = 0;

  constructor(private readonly options: McpGuardOptions = {}) {
    this.guard = options.guard instanceof Guard ? options.guard : new Guard(options.guard ?? {});
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

  /** Pins the definitions a client was shown; a changed one is flagged (TOOL_DEFINITION_CHANGED). */
  async toolsListed(key: string, tools: readonly Tool[], meta?: Record<string, unknown>): Promise<void> {
    await this.pin(key, tools, JSON.stringify(tools), meta);
  }

  /** Re-pins after a list_changed notification, in every live session. */
  async toolsChanged(tools: readonly Tool[]): Promise<void> {
    const fingerprint = JSON.stringify(tools);
    for (const key of this.sessions.keys()) await this.pin(key, tools, fingerprint);
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
   * Checks a tools/call, runs it if allowed, checks its result. A refused call or withheld result comes
   * back as an `isError` result; errors of the tool itself (or of the upstream) are rethrown unchanged.
   */
  async call(key: string, params: CallToolParams, execute: () => Promise<CallToolResult>, listTools: () => Promise<readonly Tool[]>): Promise<CallToolResult> {
    const session = await this.session(key, params._meta);
    if (!this.listed.has(key)) await this.toolsListed(key, await listTools());
    const callId = `mcp_${++this.calls}_${randomUUID().slice(0, 8)}`;
    const outcome = await session.guardToolCall({ callId, tool: params.name, arguments: params.arguments ?? {} }, () => execute(), {
      // The result's `_meta` is transport metadata, not content the model reads.
      resultOf: ({ _meta: _ignored, ...content }) => ({ result: content, ...(content.isError ? { isError: true } : {}) }),
    });
    return outcome.refusal ? refusalResult(outcome.refusal) : outcome.value!;
  }

  /** Ends an MCP session's guard session (its transport closed). */
  async end(key: string): Promise<void> {
    const session = this.sessions.get(key);
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
