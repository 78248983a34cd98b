import { randomUUID } from 'node:crypto';
import type { TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage, MessageExtraInfo, Tool } from '@modelcontextprotocol/sdk/types.js';
import { listAllTools, MAX_LIST_PAGES, McpGuard, REFUSAL_META_KEY, type AdmittedCall, type AdmittedSampling, type CallToolParams } from './guarded-tools.js';
import { errorResponse, INTERNAL_ERROR, INVALID_PARAMS, resultResponse, rpc, type RpcMessage } from './messages.js';
import { pauseAnswer, pauseQuestion, supportsFormElicitation } from './pause-question.js';
import type { SamplingParams } from './sampling.js';

type Id = string | number;

export interface RelayOptions {
  guard: McpGuard;
  /** The guard session this connection belongs to (read once the connection is initialized). */
  sessionKey: () => string;
  /** Delivers a message to the client. */
  toClient: (message: JSONRPCMessage, options?: TransportSendOptions) => Promise<void>;
  /** Delivers a message to the server. */
  toServer: (message: JSONRPCMessage, extra?: MessageExtraInfo) => Promise<void>;
  /**
   * Attach server messages to the client request they most likely belong to (a progress token's request,
   * else the latest one in flight), for transports that answer each request on its own stream (HTTP)
   * when the server side cannot say (stdio). Off when the server side passes its own routing.
   */
  routeServerMessages?: boolean;
  /**
   * Hand an allowed tools/call to the server with a fresh, mutable copy of the arguments the guard checked
   * (a server in this process, which would otherwise share objects with the client); off, the message goes
   * on as it came.
   */
  copyArguments?: boolean;
  /** Longest the guard's own requests (a tools/list, a pause question) may wait. */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

interface OwnRequest {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Client requests tracked at once (in flight to the server); beyond it the oldest is forgotten, not the request. */
const MAX_TRACKED = 4_096;
/** Task-augmented calls whose results are still to be checked when fetched. */
const MAX_TASKS = 1_024;
/** Pages of a tool list kept for the client to fetch (a list longer than this is fetched twice past it). */
const MAX_PAGES = 256;

const SAMPLING_REFUSED = -1;
const CANCELLED = 'notifications/cancelled';

/**
 * The guard between one MCP client connection and one server connection, at the JSON-RPC message level:
 * every request, response and notification passes through unchanged in both directions (unknown methods
 * included, ids untouched), except what the guard acts on: tools/call (checked before it is forwarded and
 * its result after, for task-augmented calls when the task's result is fetched), tools/list (definitions
 * pinned), sampling/createMessage (budget and injection scan), and pauses (asked through the client's
 * elicitation when it supports it). The guard's own requests use ids of their own.
 */
export class GuardedRelay {
  private readonly guard: McpGuard;
  private readonly idPrefix = `agent-warden-${randomUUID().slice(0, 8)}-`;
  private nextId = 0;
  private readonly own = new Map<Id, OwnRequest>();
  private readonly inFlight = new Map<Id, string>();
  private readonly progressRoutes = new Map<string | number, Id>();
  private readonly calls = new Map<Id, AdmittedCall & { task: boolean }>();
  private readonly lists = new Map<Id, { paged: boolean; meta?: Record<string, unknown> }>();
  private readonly taskResults = new Map<Id, string>();
  private readonly tasks = new Map<string, { call: AdmittedCall; checked?: Promise<CallToolResult> }>();
  private readonly samplings = new Map<Id, AdmittedSampling>();
  /** Client messages waiting behind a tools/call being checked (undefined: none is). */
  private clientHeld: Array<[JSONRPCMessage, MessageExtraInfo | undefined]> | undefined;
  /** Server messages waiting behind one being checked (a result, a list, a sampling request). */
  private serverHeld: Array<{ message: JSONRPCMessage; options: TransportSendOptions | undefined; done: () => void }> | undefined;
  /** Pages of a list the guard fetched from the client's first page's cursor, by the cursor that fetches each. */
  private readonly pages = new Map<string, Record<string, unknown>>();
  /** The guard's own tools/list in flight. */
  private listing: Promise<Tool[]> | undefined;
  /** The client's first tools/list in flight, before anything was pinned: settled once its answer is. */
  private clientListing: Deferred | undefined;
  /** tools/call requests still being checked, and those the client cancelled meanwhile (never forwarded). */
  private readonly admitting = new Set<Id>();
  private readonly cancelledEarly = new Set<Id>();
  /** The server's sampling requests still being checked, and those it cancelled meanwhile (never forwarded). */
  private readonly samplingAdmitting = new Set<Id>();
  private readonly samplingCancelledEarly = new Set<Id>();
  /** Client requests not answered yet (by the server or the proxy), for an orderly end. */
  private readonly awaiting = new Set<Id>();
  private idleWaiters: Array<() => void> = [];
  private serverGone: string | undefined;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: RelayOptions) {
    this.guard = options.guard;
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.log = options.log ?? (() => {});
  }

  private get key(): string {
    return this.options.sessionKey();
  }

  // ---- from the client ------------------------------------------------------

  /**
   * A message the client sent. Messages leave in the order they came: one behind a tools/call still
   * being checked waits for it, except an answer to the guard's own question and the client giving up
   * on that call (and, while the guard waits on its own tools/list, an answer the server may need first).
   */
  fromClient(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    const m = rpc(message);
    if (m.method === undefined && m.id !== undefined && this.settleOwn(m)) return;
    if (this.clientHeld !== undefined) {
      const requestId = m.method === CANCELLED ? (m.params?.requestId as Id | undefined) : undefined;
      if (requestId !== undefined && this.admitting.has(requestId)) return this.cancelEarly(requestId);
      if (!(m.method === undefined && this.listing !== undefined)) {
        this.clientHeld.push([message, extra]);
        return;
      }
    }
    this.dispatchClient(message, m, extra);
  }

  private dispatchClient(message: JSONRPCMessage, m: RpcMessage, extra?: MessageExtraInfo): void {
    if (m.method === undefined) return this.clientResponse(message, m);
    if (m.id === undefined) return this.clientNotification(message, m, extra);
    const checking = this.clientRequest(message, m, m.id, extra);
    if (checking) {
      this.clientHeld ??= [];
      void checking.finally(() => this.releaseClient());
    }
  }

  /** The call ahead has gone on (or was answered): what waited behind it goes, until another call is to be checked. */
  private releaseClient(): void {
    const held = this.clientHeld ?? [];
    this.clientHeld = undefined;
    let next = 0;
    while (next < held.length && this.clientHeld === undefined) {
      const [message, extra] = held[next++]!;
      this.dispatchClient(message, rpc(message), extra);
    }
    if (next < held.length) this.clientHeld!.unshift(...held.slice(next));
    this.checkIdle();
  }

  /** The client gave up on a call still being checked: it is never forwarded, so the server need not hear of it. */
  private cancelEarly(requestId: Id): void {
    this.cancelledEarly.add(requestId);
    this.settled(requestId);
    if (this.awaiting.delete(requestId)) this.checkIdle();
  }

  /** Handles a client request; a promise while a tools/call is being checked (what comes after waits for it). */
  private clientRequest(message: JSONRPCMessage, m: RpcMessage, id: Id, extra?: MessageExtraInfo): Promise<void> | undefined {
    if (this.awaiting.size >= MAX_TRACKED) this.awaiting.delete(this.awaiting.values().next().value as Id);
    this.awaiting.add(id);
    if (this.serverGone !== undefined) {
      void this.sendToClient(errorResponse(id, INTERNAL_ERROR, `The MCP server is not running (${this.serverGone}).`));
      return;
    }
    this.track(id, m);
    switch (m.method) {
      case 'initialize':
        if (supportsFormElicitation(m.params?.capabilities)) this.guard.askOnPause(this.key, (flags) => this.askClient(flags));
        break;
      case 'tools/call':
        return this.guardCall(message, m, id, extra);
      case 'tools/list': {
        const cursor = m.params?.cursor;
        const page = typeof cursor === 'string' ? this.pages.get(cursor) : undefined;
        if (page) {
          // The guard fetched this page itself, from this very cursor, to pin the whole list: it is not fetched twice.
          this.pages.delete(cursor as string);
          return this.answerPage(id, page);
        }
        this.lists.set(id, { paged: m.params?.cursor !== undefined, ...(m.params?._meta ? { meta: m.params._meta as Record<string, unknown> } : {}) });
        // A call made before its answer is back is checked against it, rather than the guard listing again.
        if (m.params?.cursor === undefined && !this.guard.hasListed(this.key)) this.clientListing ??= deferred();
        break;
      }
      case 'tasks/result': {
        const taskId = m.params?.taskId;
        if (typeof taskId === 'string' && this.tasks.has(taskId)) this.taskResults.set(id, taskId);
        break;
      }
    }
    this.forward(message, id, extra);
    return undefined;
  }

  private track(id: Id, m: RpcMessage): void {
    if (this.inFlight.size >= MAX_TRACKED) {
      // The oldest request is no longer tracked: its answer could not be checked, so it is dropped when it comes, and the
      // client is told now rather than left waiting.
      const oldest = this.inFlight.keys().next().value as Id;
      this.settled(oldest);
      this.calls.delete(oldest);
      this.lists.delete(oldest);
      this.taskResults.delete(oldest);
      void this.sendToClient(errorResponse(oldest, INTERNAL_ERROR, `agent-warden stopped waiting for this request: more than ${MAX_TRACKED} requests were in flight at once`));
    }
    this.inFlight.set(id, m.method!);
    const token = (m.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
    if (this.options.routeServerMessages && (typeof token === 'string' || typeof token === 'number')) this.progressRoutes.set(token, id);
  }

  private settled(id: Id): void {
    this.inFlight.delete(id);
    if (this.progressRoutes.size > 0) for (const [token, owner] of this.progressRoutes) if (owner === id) this.progressRoutes.delete(token);
  }

  private forward(message: JSONRPCMessage, id: Id, extra?: MessageExtraInfo): void {
    this.options.toServer(message, extra).catch((error: unknown) => {
      // Already answered if the server went away meanwhile.
      if (!this.inFlight.has(id)) return;
      this.settled(id);
      this.calls.delete(id);
      void this.sendToClient(errorResponse(id, INTERNAL_ERROR, `The MCP server could not be reached: ${(error as Error)?.message ?? String(error)}`));
    });
  }

  private async guardCall(message: JSONRPCMessage, m: RpcMessage, id: Id, extra?: MessageExtraInfo): Promise<void> {
    const params = m.params as unknown as CallToolParams | undefined;
    // Not a call the guard can read (no name, or one that is not a string: a server dispatching on `handlers[name]` would
    // still run `["refund"]`): refused here, never forwarded unchecked.
    if (!params || typeof params !== 'object' || typeof params.name !== 'string') {
      this.settled(id);
      await this.sendToClient(errorResponse(id, INVALID_PARAMS, 'Invalid params: tools/call needs params.name, a string (agent-warden checks every call it forwards).'));
      return;
    }
    let admission: Awaited<ReturnType<McpGuard['admitCall']>>;
    this.admitting.add(id);
    try {
      // A list in flight (the client's, or the guard's after list_changed) is what the call is checked against.
      if (this.listing) await this.listing.catch(() => {});
      if (this.clientListing && !this.guard.hasListed(this.key)) await this.waitForClientList();
      admission = await this.guard.admitCall(this.key, params, () => this.listTools());
    } catch (error) {
      this.admitted(id);
      if (this.cancelledEarly.delete(id)) return;
      if (this.guard.guard.policy.onCheckError === 'allow') return this.forward(message, id, extra);
      this.settled(id);
      await this.sendToClient(errorResponse(id, INTERNAL_ERROR, `agent-warden could not check this call, so it did not run: ${(error as Error)?.message ?? String(error)}`));
      return;
    }
    this.admitted(id);
    if (this.cancelledEarly.delete(id)) {
      // The client gave up before the call was forwarded: it never runs.
      if ('admitted' in admission) await this.guard.callFailed(this.key, admission.admitted, 'cancelled by the client').catch(() => {});
      return;
    }
    if ('refused' in admission) {
      this.settled(id);
      await this.sendToClient(resultResponse(id, admission.refused as unknown as Record<string, unknown>));
      return;
    }
    this.calls.set(id, { ...admission.admitted, task: typeof (params as { task?: unknown }).task === 'object' });
    // The guard checked a copy of what was parsed and changed nothing: the server gets the message as it came (over
    // stdio, the very bytes), so it parses what the guard parsed. In process, the handler gets its own copy.
    this.forward(this.options.copyArguments && params.arguments !== undefined ? withArguments(message, m, admission.admitted.arguments) : message, id, extra);
  }

  private clientNotification(message: JSONRPCMessage, m: RpcMessage, extra?: MessageExtraInfo): void {
    if (m.method === CANCELLED) {
      const requestId = m.params?.requestId as Id | undefined;
      if (requestId !== undefined) {
        if (this.admitting.has(requestId)) this.cancelledEarly.add(requestId);
        const call = this.calls.get(requestId);
        if (call) {
          this.calls.delete(requestId);
          void this.guard.callFailed(this.key, call, 'cancelled by the client').catch(() => {});
        }
        this.lists.delete(requestId);
        this.taskResults.delete(requestId);
        this.settled(requestId);
        // A cancelled request need not be answered.
        if (this.awaiting.delete(requestId)) this.checkIdle();
      }
    }
    if (this.serverGone !== undefined) return;
    this.options.toServer(message, extra).catch((error: unknown) => this.log(`could not pass ${m.method} to the server: ${(error as Error)?.message}`));
  }

  private clientResponse(message: JSONRPCMessage, m: RpcMessage): void {
    if (m.id !== undefined && this.settleOwn(m)) return;
    if (m.id !== undefined) {
      const sampling = this.samplings.get(m.id);
      if (sampling) {
        this.samplings.delete(m.id);
        void this.guard.samplingDone(this.key, sampling, m.result).catch((error: unknown) => this.log(`sampling not recorded: ${(error as Error)?.message}`));
      }
    }
    if (this.serverGone !== undefined) return;
    this.options.toServer(message).catch((error: unknown) => this.log(`could not pass a response to the server: ${(error as Error)?.message}`));
  }

  // ---- from the server ------------------------------------------------------

  /**
   * A message the server sent; `options` is its own routing, when the server side has one (in process).
   * Messages reach the client in the order they came: one behind a result (a list, a sampling request)
   * being checked waits for it. Answers to the guard's own requests never wait.
   */
  fromServer(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = rpc(message);
    if (m.method === undefined && m.id !== undefined && m.id !== null && this.settleOwn(m)) return Promise.resolve();
    if (this.serverHeld !== undefined) return new Promise((done) => this.serverHeld!.push({ message, options, done }));
    return this.dispatchServer(message, m, options);
  }

  private dispatchServer(message: JSONRPCMessage, m: RpcMessage, options: TransportSendOptions | undefined): Promise<void> {
    const checked = this.isChecked(m);
    const handled = m.method === undefined ? this.serverResponse(message, m, options) : m.id === undefined ? this.serverNotification(message, m, options) : this.serverRequest(message, m, m.id, options);
    if (checked) {
      this.serverHeld ??= [];
      void handled.finally(() => this.releaseServer());
    }
    return handled;
  }

  /** Whether the guard checks this server message before it goes on (so what comes after waits). */
  private isChecked(m: RpcMessage): boolean {
    if (m.method === undefined) return m.id !== undefined && m.id !== null && (this.calls.has(m.id) || this.lists.has(m.id) || this.taskResults.has(m.id));
    return m.id !== undefined && m.method === 'sampling/createMessage';
  }

  private releaseServer(): void {
    const held = this.serverHeld ?? [];
    this.serverHeld = undefined;
    let next = 0;
    while (next < held.length && this.serverHeld === undefined) {
      const { message, options, done } = held[next++]!;
      void this.dispatchServer(message, rpc(message), options).then(done, done);
    }
    if (next < held.length) this.serverHeld!.unshift(...held.slice(next));
    this.checkIdle();
  }

  /** The client's first tools/list has been answered (and pinned): calls waiting for it are checked now. */
  private clientListed(): void {
    this.clientListing?.resolve();
    this.clientListing = undefined;
  }

  private async serverResponse(message: JSONRPCMessage, m: RpcMessage, options?: TransportSendOptions): Promise<void> {
    const id = m.id;
    if (id === undefined || id === null) return this.sendToClient(message, options);
    // Only an answer to a request the server was sent and has not answered goes on: a second answer to one already
    // answered (the first is checked, the second would not be), or an answer to a call still being checked or refused,
    // is dropped.
    if (!this.inFlight.has(id) || this.admitting.has(id)) {
      this.log(`dropped the server's answer to request ${JSON.stringify(id)}: no request of that id is waiting for the server's answer`);
      return;
    }
    this.settled(id);
    const call = this.calls.get(id);
    if (call) {
      this.calls.delete(id);
      return this.sendToClient(await this.checkedCall(call, id, m, message), options);
    }
    const list = this.lists.get(id);
    if (list) {
      this.lists.delete(id);
      const tools = m.result?.tools;
      if (!Array.isArray(tools)) {
        this.clientListed();
        return this.sendToClient(message, options);
      }
      // Pin only complete lists: a page alone would make the tools on other pages look unknown. For a
      // page, the guard lists the whole once itself (as before a first call), so the page can be checked.
      const complete = !list.paged && m.result?.nextCursor === undefined;
      // A first page: the guard fetches the rest from its cursor, and answers the client's next pages from them.
      const next = !list.paged && typeof m.result?.nextCursor === 'string' ? m.result.nextCursor : undefined;
      if (complete || !this.guard.hasListed(this.key)) {
        await (async () => this.guard.toolsListed(this.key, complete ? (tools as Tool[]) : next !== undefined ? await this.listRest(tools as Tool[], next) : await this.listTools(), list.meta))().catch((error: unknown) =>
          this.log(`could not pin the tool list: ${(error as Error)?.message}`),
        );
      }
      this.clientListed();
      // A poisoned definition, or one dropped past limits.maxTools, never reaches the client's model (its calls are refused anyway).
      const shown = await this.shown(tools as Tool[]);
      return this.sendToClient(shown === tools ? message : resultResponse(id, { ...m.result, tools: shown }), options);
    }
    const taskId = this.taskResults.get(id);
    if (taskId !== undefined) {
      this.taskResults.delete(id);
      const task = this.tasks.get(taskId);
      if (task && m.result && !isIncomplete(m.result)) {
        // The first fetch is checked; later fetches get the same verdict.
        task.checked ??= this.checkResult(task.call, m.result as unknown as CallToolResult);
        const checked = await task.checked;
        return this.sendToClient(checked === (m.result as unknown) ? message : resultResponse(id, checked as unknown as Record<string, unknown>), options);
      }
    }
    return this.sendToClient(message, options);
  }

  private async checkedCall(call: AdmittedCall & { task: boolean }, id: Id, m: RpcMessage, message: JSONRPCMessage): Promise<JSONRPCMessage> {
    if (m.error) {
      // The error's text reaches the model too (clients hand it over): checked as a result, withheld as one.
      const withheld = await this.guard.callFailed(this.key, call, typeof m.error.message === 'string' ? m.error.message : JSON.stringify(m.error)).catch(() => undefined);
      return withheld === undefined ? message : errorResponse(id, typeof m.error.code === 'number' ? m.error.code : INTERNAL_ERROR, withheld);
    }
    const result = m.result ?? {};
    const task = (result as { task?: { taskId?: unknown } }).task;
    if (call.task && typeof task?.taskId === 'string') {
      // A task was created: its result is checked when the client fetches it (tasks/result).
      if (this.tasks.size >= MAX_TASKS) this.tasks.delete(this.tasks.keys().next().value as string);
      this.tasks.set(task.taskId, { call });
      return message;
    }
    // A result that asks for more input first is no outcome, unless it carries content, which the model reads: then it is checked as one.
    if (isIncomplete(result) && (result as { content?: unknown }).content === undefined && (result as { structuredContent?: unknown }).structuredContent === undefined) {
      await this.guard.callFailed(this.key, call, 'the server asked for more input first').catch(() => {});
      return message;
    }
    const checked = await this.checkResult(call, result as unknown as CallToolResult);
    return checked === (result as unknown) ? message : resultResponse(id, checked as unknown as Record<string, unknown>);
  }

  private async checkResult(call: AdmittedCall, result: CallToolResult): Promise<CallToolResult> {
    try {
      return await this.guard.checkResult(this.key, call, result);
    } catch (error) {
      if (this.guard.guard.policy.onCheckError === 'allow') return result;
      const text = `agent-warden could not check this result, so it was withheld: ${(error as Error)?.message ?? String(error)}`;
      return { isError: true, content: [{ type: 'text', text }], _meta: { [REFUSAL_META_KEY]: { error: 'agent_warden_refused', action: 'block', message: text, hint: 'Try again, or hand over to a human.', flags: [] } } };
    }
  }

  private async serverRequest(message: JSONRPCMessage, m: RpcMessage, id: Id, options?: TransportSendOptions): Promise<void> {
    if (m.method === 'sampling/createMessage') {
      let admission: Awaited<ReturnType<McpGuard['admitSampling']>>;
      this.samplingAdmitting.add(id);
      try {
        admission = await this.guard.admitSampling(this.key, (m.params ?? {}) as SamplingParams);
      } catch (error) {
        this.samplingAdmitting.delete(id);
        if (this.samplingCancelledEarly.delete(id)) return;
        if (this.guard.guard.policy.onCheckError !== 'allow') {
          return this.sendToServer(errorResponse(id, INTERNAL_ERROR, `agent-warden could not check this sampling request: ${(error as Error)?.message ?? String(error)}`));
        }
        admission = { admitted: { model: 'mcp-sampling', inputTokens: 0 } };
      }
      this.samplingAdmitting.delete(id);
      if (this.samplingCancelledEarly.delete(id)) {
        // The server gave up before the request was forwarded: the client never sees it.
        if ('admitted' in admission) await this.guard.samplingDone(this.key, admission.admitted, undefined).catch(() => {});
        return;
      }
      if ('refused' in admission) {
        const refusal = admission.refused;
        return this.sendToServer(errorResponse(id, SAMPLING_REFUSED, `Sampling request refused by agent-warden: ${refusal.message} ${refusal.hint}`, { [REFUSAL_META_KEY]: refusal }));
      }
      this.samplings.set(id, admission.admitted);
    }
    return this.sendToClient(message, this.route(m, options));
  }

  private async serverNotification(message: JSONRPCMessage, m: RpcMessage, options?: TransportSendOptions): Promise<void> {
    if (m.method === 'notifications/tools/list_changed' && this.guard.hasListed(this.key)) {
      // Re-pin, without holding the notification: a call made meanwhile waits for the new list (guardCall).
      this.pages.clear();
      this.relist();
    } else if (m.method === CANCELLED) {
      const requestId = m.params?.requestId as Id | undefined;
      if (requestId !== undefined && this.samplingAdmitting.has(requestId)) this.samplingCancelledEarly.add(requestId);
      const sampling = requestId === undefined ? undefined : this.samplings.get(requestId);
      if (sampling) {
        // The server gave up on it: no phantom spend.
        this.samplings.delete(requestId!);
        void this.guard.samplingDone(this.key, sampling, undefined).catch(() => {});
      }
    }
    return this.sendToClient(message, this.route(m, options));
  }

  /** Which client request a server message rides on, when the relay has to work it out. */
  private route(m: RpcMessage, options: TransportSendOptions | undefined, always = false): TransportSendOptions | undefined {
    if (options || !(this.options.routeServerMessages || always)) return options;
    const token = m.params?.progressToken;
    const owner = (typeof token === 'string' || typeof token === 'number' ? this.progressRoutes.get(token) : undefined) ?? lastKey(this.inFlight);
    return owner === undefined ? undefined : { relatedRequestId: owner };
  }

  private async sendToClient(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) return;
    const m = rpc(message);
    try {
      await this.options.toClient(message, options);
    } catch (error) {
      // The request's own stream is gone: the session's standalone stream still reaches the client.
      if (options?.relatedRequestId !== undefined && rpc(message).method !== undefined) {
        return this.options.toClient(message).catch((again: unknown) => this.log(`could not reach the client: ${(again as Error)?.message}`));
      }
      this.log(`could not reach the client: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      if (m.method === undefined && m.id !== undefined && this.awaiting.delete(m.id)) this.checkIdle();
    }
  }

  private async sendToServer(message: JSONRPCMessage): Promise<void> {
    if (this.serverGone !== undefined) return;
    await this.options.toServer(message).catch((error: unknown) => this.log(`could not reach the server: ${(error as Error)?.message}`));
  }

  // ---- the guard's own requests ---------------------------------------------

  /** The guard's own listing of every page; one at a time, shared by whoever needs it meanwhile. */
  private listTools(): Promise<Tool[]> {
    const listing = (this.listing ??= listAllTools(async (cursor) => (await this.request('server', 'tools/list', cursor ? { cursor } : {}, this.timeoutMs)) as unknown as { tools: Tool[]; nextCursor?: string }));
    const done = () => {
      if (this.listing === listing) this.listing = undefined;
    };
    listing.then(done, done);
    return listing;
  }

  /** The rest of a list whose first page the client fetched, each page kept for the client's own request of it. */
  private async listRest(first: Tool[], from: string): Promise<Tool[]> {
    this.pages.clear();
    const tools = [...first];
    for (let cursor: string | undefined = from, pages = 1; cursor !== undefined; pages += 1) {
      if (pages >= MAX_LIST_PAGES) throw new Error(`the server's tools/list did not end after ${MAX_LIST_PAGES} pages`);
      const page = (await this.request('server', 'tools/list', { cursor }, this.timeoutMs)) as unknown as { tools: Tool[]; nextCursor?: string };
      if (this.pages.size < MAX_PAGES) this.pages.set(cursor, page as unknown as Record<string, unknown>);
      tools.push(...(Array.isArray(page.tools) ? page.tools : []));
      cursor = typeof page.nextCursor === 'string' ? page.nextCursor : undefined;
    }
    return tools;
  }

  /** A page the guard fetched, as the answer to the client's request for it (poisoned definitions left out, as on any list). */
  private async answerPage(id: Id, page: Record<string, unknown>): Promise<void> {
    const tools = await this.shown(page.tools as Tool[]);
    this.settled(id);
    await this.sendToClient(resultResponse(id, { ...page, tools }));
  }

  /** The tools of a list the client may see (`McpGuard.shownTools`), saying in the log what was left out and why. */
  private async shown(tools: Tool[]): Promise<readonly Tool[]> {
    const poisoned = await this.guard.poisonedTools(this.key).catch(() => new Set<string>());
    const shown = await this.guard.shownTools(this.key, tools).catch(() => tools.filter((tool) => !poisoned.has(tool.name)));
    if (shown.length === tools.length) return tools;
    const withheld = tools.filter((tool) => poisoned.has(tool.name));
    if (withheld.length > 0) this.log(`withheld from the client's tool list, their definitions carry instructions aimed at the agent: ${[...poisoned].join(', ')} (accept them to show them)`);
    const dropped = tools.length - shown.length - withheld.length;
    if (dropped > 0) this.log(`withheld from the client's tool list: ${dropped} tools past the session's limits.maxTools (their calls are refused)`);
    return shown;
  }

  /** Lists the tools again and pins them; calls made meanwhile are checked against the new list. */
  private relist(): void {
    const listing = this.listTools();
    const pinned = listing.then((tools) => this.guard.toolsListed(this.key, tools)).then(() => listing);
    // Calls wait for the pin too, not just the list.
    this.listing = pinned;
    const done = () => {
      if (this.listing === pinned) this.listing = undefined;
    };
    pinned.then(done, (error: unknown) => {
      done();
      this.log(`could not re-list tools after list_changed: ${(error as Error)?.message}`);
    });
  }

  /** Waits (as long as the guard would for its own list) for the client's tools/list in flight to be pinned. */
  private async waitForClientList(): Promise<void> {
    const pending = this.clientListing!;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)))]);
    clearTimeout(timer);
  }

  private async askClient(flags: Parameters<typeof pauseQuestion>[0]): Promise<ReturnType<typeof pauseAnswer>> {
    const result = await this.request('client', 'elicitation/create', pauseQuestion(flags), this.guard.guard.policy.escalationTimeoutMs);
    return pauseAnswer(result);
  }

  private request(to: 'server' | 'client', method: string, params: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new Error('the connection is closed'));
    if (to === 'server' && this.serverGone !== undefined) return Promise.reject(new Error(`the MCP server is not running (${this.serverGone})`));
    const id = `${this.idPrefix}${++this.nextId}`;
    const send = (message: JSONRPCMessage) => (to === 'server' ? this.options.toServer(message) : this.requestToClient(message));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.own.delete(id);
        void send({ jsonrpc: '2.0', method: CANCELLED, params: { requestId: id, reason: 'timed out' } } as JSONRPCMessage).catch(() => {});
        reject(new Error(`${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      this.own.set(id, { resolve, reject, timer });
      send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage).catch((error: unknown) => {
        clearTimeout(timer);
        this.own.delete(id);
        reject(error as Error);
      });
    });
  }

  /** The guard's own request to the client rides on the client request in flight (the paused call), where it can. */
  private async requestToClient(message: JSONRPCMessage): Promise<void> {
    const options = this.route(rpc(message), undefined, true);
    try {
      await this.options.toClient(message, options);
    } catch (error) {
      if (options === undefined) throw error;
      await this.options.toClient(message);
    }
  }

  private settleOwn(m: RpcMessage): boolean {
    const pending = m.id === undefined ? undefined : this.own.get(m.id);
    if (!pending) return false;
    this.own.delete(m.id!);
    clearTimeout(pending.timer);
    if (m.error) pending.reject(new Error(m.error.message));
    else pending.resolve(m.result ?? {});
    return true;
  }

  // ---- ends ------------------------------------------------------------------

  private admitted(id: Id): void {
    this.admitting.delete(id);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private whenIdle(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (done() ? resolve() : this.idleWaiters.push(check));
      check();
    });
  }

  /** Resolves once every message the client sent so far has gone to the server (or been answered in its place): no call is still being checked. */
  forwarded(): Promise<void> {
    return this.whenIdle(() => this.admitting.size === 0 && this.clientHeld === undefined);
  }

  /** Resolves once every request the client sent so far has its answer written (or was cancelled). */
  drained(): Promise<void> {
    return this.whenIdle(() => (this.admitting.size === 0 && this.clientHeld === undefined && this.serverHeld === undefined && this.awaiting.size === 0) || this.closed);
  }

  /** The server side is gone: every request waiting on it gets an error now, later ones at once. */
  serverClosed(reason: string): void {
    if (this.serverGone !== undefined) return;
    this.serverGone = reason;
    for (const [id, pending] of this.own) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`the MCP server is not running (${reason})`));
      this.own.delete(id);
    }
    for (const id of [...this.inFlight.keys()]) {
      this.settled(id);
      this.calls.delete(id);
      void this.sendToClient(errorResponse(id, INTERNAL_ERROR, `The MCP server is not running (${reason}).`));
    }
  }

  /** The client side is gone: the guard session ends. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.checkIdle();
    for (const pending of this.own.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the connection is closed'));
    }
    this.own.clear();
    for (const sampling of this.samplings.values()) void this.guard.samplingDone(this.key, sampling, undefined).catch(() => {});
    this.samplings.clear();
    await this.guard.end(this.key).catch((error: unknown) => this.log(`could not end the guard session: ${(error as Error)?.message}`));
  }
}

/** A result that is not the call's outcome yet (an MCP 2026 `input_required` round trip). */
function isIncomplete(result: Record<string, unknown>): boolean {
  return typeof result.resultType === 'string' && result.resultType !== 'complete';
}

/** The call with a copy of the checked arguments the handler may change without changing what the guard recorded. */
function withArguments(message: JSONRPCMessage, m: RpcMessage, checked: Readonly<Record<string, unknown>>): JSONRPCMessage {
  return { ...message, params: { ...m.params, arguments: structuredClone(checked) } } as JSONRPCMessage;
}

function lastKey<K>(map: Map<K, unknown>): K | undefined {
  let last: K | undefined;
  for (const key of map.keys()) last = key;
  return last;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
