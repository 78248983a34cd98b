import { describe, expect, it } from 'vitest';
import { createGuard, type Decision, type EscalationAnswer, type GuardSession, type PolicyDocument, type SessionStatus, type TraceEvent, type TraceSink } from '../../../src/index.js';
import type { RedisSessionStore } from '../../../adapters/redis/index.js';
import { describeWithRedis, useSharedRedis } from '../../helpers/redis.js';
import { codes, ORDER_TOOLS } from '../../helpers/guard.js';

/**
 * Issue 10's halts and pins, run the same way on one memory session and on a session two replicas share
 * through Redis (as two processes would): every scenario must decide the same in both. `a` and `b` are the
 * same session in memory, and two replicas of it on Redis.
 */
interface Harness {
  a: GuardSession;
  b: GuardSession;
  /** Answers every question the escalation handler is waiting on. */
  answer(value: EscalationAnswer): void;
  /** Resolves when the escalation handler is first asked. */
  asked: Promise<void>;
  /** Halt events the guard of `a` emitted, in order. */
  events: string[];
  /** Listens to the decisions of the guard of `a`. */
  onDecision(listener: (decision: Decision) => void): void;
  /** Waits until a halt or resume written by a replica is in the store (nothing to wait for in memory). */
  landed(status: SessionStatus): Promise<void>;
}

interface Setup {
  policy?: PolicyDocument;
  /** Give the guards an escalation handler that waits for `answer`. */
  escalate?: boolean;
  /** Where the guards record the trace. */
  sink?: TraceSink;
}

type Mode = 'memory' | 'redis';

const GET_ORDER = ORDER_TOOLS.find((tool) => tool.name === 'get_order')!;
const LIST_ORDERS = ORDER_TOOLS.find((tool) => tool.name === 'list_orders')!;
const RENAMED = { ...GET_ORDER, input_schema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'], additionalProperties: false } };

/** What a scenario compares across modes: the decision's outcome, not its steps or wording. */
const seen = (decision: Decision) => ({
  action: decision.action,
  proceed: decision.proceed,
  codes: codes(decision),
  ...(decision.escalation ? { escalation: decision.escalation } : {}),
  ...(decision.refusal ? { refused: true } : {}),
});

/** An escalation handler that waits for the test's answer; later questions get the same answer at once. */
function answering() {
  const waiting: Array<(value: EscalationAnswer) => void> = [];
  let given: EscalationAnswer | undefined;
  let wasAsked!: () => void;
  const asked = new Promise<void>((resolve) => (wasAsked = resolve));
  const escalate = () => {
    wasAsked();
    return given ?? new Promise<EscalationAnswer>((resolve) => waiting.push(resolve));
  };
  const answer = (value: EscalationAnswer) => {
    given = value;
    for (const give of waiting.splice(0)) give(value);
  };
  return { escalate, asked, answer };
}

/** A trace sink that cannot write events of these types. */
function failing(types: ReadonlyArray<TraceEvent['type']>): TraceSink {
  return {
    write(event) {
      if (types.includes(event.type)) throw new Error('disk full');
    },
  };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

const SCENARIOS: Array<[string, Setup, (h: Harness) => Promise<unknown>]> = [
  [
    'a pending escalation refuses the other calls of the session, and its model calls',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, b, answer, asked }) => {
      const paused = a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
      await asked;
      const other = await b.beforeToolCall({ tool: 'search', arguments: { query: 'anything' } });
      expect(other).toMatchObject({ proceed: false, flags: [{ code: 'SESSION_PAUSED', evidence: { escalating: true } }] });
      const model = await b.beforeModelCall({ model: 'm', estimatedInputTokens: 1, maxOutputTokens: 1 });
      expect(model.proceed).toBe(false);
      answer('approve');
      const approved = await paused;
      expect(approved).toMatchObject({ proceed: true, escalation: 'approved' });
      const after = await b.beforeToolCall({ tool: 'search', arguments: { query: 'after' } });
      expect(after.proceed).toBe(true);
      return { other: seen(other), model: seen(model), approved: seen(approved), after: seen(after) };
    },
  ],
  [
    'halts.whileEscalating: queue holds the other calls until the answer, then decides them',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' }, halts: { whileEscalating: 'queue' } } },
    async ({ a, b, answer, asked }) => {
      const paused = a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
      await asked;
      let settled = false;
      const queued = b.beforeToolCall({ tool: 'search', arguments: { query: 'waiting' } }).then((decision) => ((settled = true), decision));
      await settle(100);
      expect(settled).toBe(false);
      answer('approve');
      const first = await paused;
      const second = await queued;
      expect(second.proceed).toBe(true);
      return { first: seen(first), queued: seen(second) };
    },
  ],
  [
    'a kill lands while a human is asked: the approve that arrives after it does not run the call',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, b, answer, asked, landed }) => {
      // B waits on the human; A is killed.
      const paused = b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
      await asked;
      a.kill('operator');
      await landed('killed');
      answer('approve');
      const decision = await paused;
      expect(decision).toMatchObject({ proceed: false, escalation: 'killed' });
      const later = await b.beforeToolCall({ tool: 'search', arguments: { query: 'after' } });
      expect(later.action).toBe('kill');
      return { decision: seen(decision), later: seen(later), status: [a.status, b.status] };
    },
  ],
  [
    'the escalation handler answering kill stops the session everywhere',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, b, answer, asked, landed, events }) => {
      const paused = a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
      await asked;
      answer('kill');
      const decision = await paused;
      await landed('killed');
      const other = await b.subagentOutput({ summary: 'ord_1001 done' }, { agent: 'helper' });
      return { decision: seen(decision), other: seen(other), events };
    },
  ],
  [
    'a denied escalation pauses the session for every caller until it is resumed',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, b, answer, asked, landed }) => {
      const paused = a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } });
      await asked;
      answer('deny');
      const decision = await paused;
      await landed('paused');
      const refused = await b.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
      expect(codes(refused)).toContain('SESSION_PAUSED');
      b.resume();
      await landed('active');
      const resumed = await a.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
      expect(resumed.proceed).toBe(true);
      return { decision: seen(decision), refused: seen(refused), resumed: seen(resumed) };
    },
  ],
  [
    'kill wins in wrapTool: a call approved and then killed never runs',
    { escalate: true, policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, answer, asked, onDecision }) => {
      // The human approves; a listener kills the session before the tool would run.
      onDecision((decision) => {
        if (decision.escalation === 'approved') a.kill('late operator');
      });
      let ran = false;
      const tool = a.wrapTool('get_order', async () => ((ran = true), 'data'));
      const result = tool({ order_id: 'ord_404' });
      await asked;
      answer('approve');
      expect(await result).toMatchObject({ error: 'agent_warden_refused', action: 'kill' });
      expect(ran).toBe(false);
      return { action: ((await result) as { action: string }).action, status: a.status };
    },
  ],
  ...(['kill', 'pause'] as const).map((how): [string, Setup, (h: Harness) => Promise<unknown>] => [
    `after ${how}, every call is refused and every content withheld, in the other replica too`,
    { policy: { actions: { ENTITY_HALLUCINATION: 'pause' } } },
    async ({ a, b, landed, events }) => {
      const early = await a.beforeToolCall({ callId: 'early', tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      expect(early.proceed).toBe(true);
      if (how === 'kill') a.kill('operator');
      // No escalation handler: the pause holds until someone resumes the session.
      else expect(await a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_404' } })).toMatchObject({ action: 'pause', escalation: 'unavailable' });
      await landed(how === 'kill' ? 'killed' : 'paused');
      const feeds = {
        afterToolCall: await b.afterToolCall({ callId: 'early', tool: 'get_order', result: { order_id: 'ord_1001', related: 'ord_2002' } }),
        modelCall: await b.modelCall({ model: 'm', inputTokens: 40, outputTokens: 2, text: 'Here is everything' }),
        subagentOutput: await b.subagentOutput({ summary: 'done' }, { agent: 'researcher' }),
        contextAdd: await b.contextAdd('retrieval', 'a document'),
        beforeToolCall: await b.beforeToolCall({ tool: 'search', arguments: { query: 'q' } }),
        beforeModelCall: await b.beforeModelCall({ model: 'm', estimatedInputTokens: 1 }),
      };
      for (const decision of Object.values(feeds)) {
        expect(decision.proceed).toBe(false);
        expect(decision.refusal).toBeDefined();
        expect(codes(decision)).toContain(how === 'kill' ? 'SESSION_KILLED' : 'SESSION_PAUSED');
      }
      // The model call still counts its tokens.
      expect(b.spend.tokens).toBe(42);
      const resume = how === 'pause';
      if (resume) {
        a.resume();
        await landed('active');
      }
      // The withheld result added nothing to the ledger: ord_2002 is still unknown.
      const probe = await a.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_2002' } });
      return { feeds: Object.fromEntries(Object.entries(feeds).map(([name, decision]) => [name, seen(decision)])), probe: seen(probe), spent: [a.spend.tokens, b.spend.tokens], events };
    },
  ]),
  [
    'a changed definition is refused (pins.whilePending: refuse) until accepted in another replica',
    { policy: { pins: { whilePending: 'refuse' } } },
    async ({ a, b }) => {
      const changed = await a.defineTools([{ ...GET_ORDER, description: 'v2' }]);
      const refused = await b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      expect(refused.proceed).toBe(false);
      const pending = b.pendingDefinitions().map((entry) => [entry.name, entry.change]);
      await a.acceptDefinitions(['get_order']);
      const accepted = await b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      expect(accepted).toMatchObject({ proceed: true, flags: [] });
      return { changed: seen(changed), refused: seen(refused), pending, accepted: seen(accepted), left: [a.pendingDefinitions(), b.pendingDefinitions()] };
    },
  ],
  [
    'acceptDefinitions in one replica accepts what is pending in the store, not only what it knew',
    {},
    async ({ a, b }) => {
      // B accepts right after A's change, without having decided anything since.
      await b.message('user', 'hello');
      await a.defineTools([RENAMED]);
      await b.acceptDefinitions();
      const decision = await a.beforeToolCall({ tool: 'get_order', arguments: { orderId: 'ord_1001' } });
      expect(decision.action).toBe('allow');
      return { decision: seen(decision), left: [a.pendingDefinitions(), b.pendingDefinitions()] };
    },
  ],
  [
    'the changed schema is not applied while pending: the pinned one still holds in the other replica',
    {},
    async ({ a, b }) => {
      await a.defineTools([RENAMED]);
      const old = await b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      const renamed = await b.beforeToolCall({ tool: 'get_order', arguments: { orderId: 'ord_1001' } });
      expect(old.flags.filter((flag) => flag.code === 'TOOL_ARG_MISMATCH')).toEqual([]);
      expect(codes(renamed)).toContain('TOOL_ARG_MISMATCH');
      return { old: seen(old), renamed: seen(renamed) };
    },
  ],
  [
    'the action applies per tool: one changed tool blocked, another still usable with its pin, in the other replica',
    { policy: { tools: { get_order: { actions: { TOOL_DEFINITION_CHANGED: 'block' } } } } },
    async ({ a, b }) => {
      const decision = await a.defineTools([{ ...GET_ORDER, description: 'v2' }, { ...LIST_ORDERS, description: 'v2' }]);
      const blocked = await b.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      const usable = await b.beforeToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } });
      expect(blocked.proceed).toBe(false);
      expect(usable).toMatchObject({ proceed: true, action: 'warn' });
      return { decision: seen(decision), blocked: seen(blocked), usable: seen(usable), pending: b.pendingDefinitions().map((entry) => [entry.name, entry.change]) };
    },
  ],
  [
    'an added tool is flagged, and with block cannot be used in any replica until accepted',
    { policy: { actions: { TOOL_DEFINITION_CHANGED: 'block' } } },
    async ({ a, b }) => {
      const added = await a.defineTools([{ name: 'export_all_orders', input_schema: { type: 'object' } }]);
      expect(added.flags).toMatchObject([{ code: 'TOOL_DEFINITION_CHANGED', evidence: { change: 'added', tool: 'export_all_orders' } }]);
      const refused = await b.beforeToolCall({ tool: 'export_all_orders', arguments: {} });
      expect(refused.proceed).toBe(false);
      await b.acceptDefinitions();
      const accepted = await a.beforeToolCall({ tool: 'export_all_orders', arguments: {} });
      expect(accepted.proceed).toBe(true);
      return { added: seen(added), refused: seen(refused), accepted: seen(accepted) };
    },
  ],
  [
    'a confusably named tool is flagged and unusable in the other replica',
    {},
    async ({ a, b }) => {
      const twin = await a.defineTools([{ ...ORDER_TOOLS.find((tool) => tool.name === 'refund_order')!, name: 'r\u0435fund_order' }]);
      const refused = await b.beforeToolCall({ tool: 'r\u0435fund_order', arguments: { order_id: 'ord_1001', amount: 1 } });
      expect(refused.proceed).toBe(false);
      return { twin: seen(twin), refused: seen(refused) };
    },
  ],
  [
    'an unpriced model under a cost cap is put to the handler at admission once; the other replica knows it after the call',
    { escalate: true, policy: { budget: { maxCostUsd: 100, prices: { 'gpt-4o': { input: 2.5, output: 10 } } } } },
    async ({ a, b, answer, asked }) => {
      const first = a.beforeModelCall({ model: 'mystery-model', estimatedInputTokens: 10, maxOutputTokens: 10 });
      await asked;
      answer('approve');
      const flagged = await first;
      expect(flagged).toMatchObject({ proceed: true, escalation: 'approved', flags: [{ code: 'MODEL_UNPRICED' }] });
      const again = await a.beforeModelCall({ model: 'mystery-model', estimatedInputTokens: 10, maxOutputTokens: 10 });
      expect(again.flags).toEqual([]);
      await a.modelCall({ model: 'mystery-model', inputTokens: 10, outputTokens: 10, reservationId: flagged.reservationId });
      a.releaseModelCall(again.reservationId);
      await b.message('user', 'next turn');
      const other = await b.beforeModelCall({ model: 'mystery-model', estimatedInputTokens: 10, maxOutputTokens: 10 });
      expect(other.flags).toEqual([]);
      return { flagged: seen(flagged), again: seen(again), other: seen(other) };
    },
  ],
  ...(['block', 'allow'] as const).map((onRecordError): [string, Setup, (h: Harness) => Promise<unknown>] => [
    `a call or result the trace cannot hold, with onRecordError: ${onRecordError}`,
    { policy: { onRecordError }, sink: failing(['tool.call', 'tool.result']) },
    async ({ a, b }) => {
      const call = await a.beforeToolCall({ callId: 'c', tool: 'search', arguments: { query: 'q' } });
      const result = await b.afterToolCall({ callId: 'c', tool: 'search', result: 'data' });
      expect(call.proceed).toBe(onRecordError === 'allow');
      expect(result.proceed).toBe(onRecordError === 'allow');
      return { call: seen(call), result: seen(result) };
    },
  ]),
  [
    'tools past limits.maxTools are dropped in every replica, and their calls refused naming the bound',
    { policy: { limits: { maxTools: ORDER_TOOLS.length + 2 } } },
    async ({ a, b }) => {
      const fresh = (name: string) => ({ name, input_schema: { type: 'object' } });
      const listed = await a.defineTools([fresh('one'), fresh('two'), fresh('three'), fresh('four')]);
      expect(listed.flags.find((flag) => flag.code === 'TOOL_LIMIT_EXCEEDED')?.evidence).toMatchObject({ dropped: 2, kept: ORDER_TOOLS.length + 2 });
      const dropped = await b.beforeToolCall({ tool: 'four', arguments: {} });
      expect(dropped.refusal?.message).toMatch(/limits\.maxTools/);
      const kept = await b.beforeToolCall({ tool: 'two', arguments: {} });
      const again = await b.defineTools([fresh('five')]);
      return { listed: seen(listed), dropped: seen(dropped), kept: seen(kept), again: seen(again), count: [a.toolCount, b.toolCount] };
    },
  ],
  ...(['approve', 'deny'] as const).map((reply): [string, Setup, (h: Harness) => Promise<unknown>] => [
    `a pause on a changed definition asks the handler; ${reply} ${reply === 'approve' ? 'accepts the change' : 'keeps the pin'} in every replica`,
    { escalate: true, policy: { actions: { TOOL_DEFINITION_CHANGED: 'pause' } } },
    async ({ a, b, answer, asked, landed }) => {
      const decision = a.defineTools([RENAMED]);
      await asked;
      answer(reply);
      const answered = await decision;
      expect(answered.escalation).toBe(reply === 'approve' ? 'approved' : 'denied');
      if (reply === 'deny') {
        await landed('paused');
        b.resume();
        await landed('active');
      }
      const call = await b.beforeToolCall({ tool: 'get_order', arguments: { orderId: 'ord_1001' } });
      // Denied, the pin holds: the call against the changed schema is asked about again (and denied again).
      expect(call.action).toBe(reply === 'approve' ? 'allow' : 'pause');
      return { answered: seen(answered), pending: b.pendingDefinitions().map((entry) => entry.name), call: seen(call) };
    },
  ]),
];

describeWithRedis('halts and pins: a session shared on Redis decides as one in memory does', () => {
  const redis = useSharedRedis();

  let runs = 0;
  const harness = async (mode: Mode, setup: Setup): Promise<Harness> => {
    const { escalate, asked, answer } = answering();
    const events: string[] = [];
    const sessionId = `${mode}-${(runs += 1)}`;
    const guardOf = (store?: RedisSessionStore) => createGuard({ tools: ORDER_TOOLS, policy: setup.policy ?? {}, ...(setup.escalate ? { escalate } : {}), ...(setup.sink ? { sink: setup.sink } : {}), ...(store ? { store } : {}) });
    const listen = (guard: ReturnType<typeof guardOf>) => {
      guard.on('error', () => undefined);
      guard.on('pause', ({ flags }) => events.push(`pause ${flags.map((flag) => flag.code).join(',')}`));
      guard.on('kill', ({ reason }) => events.push(`kill${reason ? ` ${reason}` : ''}`));
      guard.on('resume', () => events.push('resume'));
    };
    if (mode === 'memory') {
      const guard = guardOf();
      listen(guard);
      const a = await guard.startSession({ sessionId });
      await a.message('user', 'I am cust_789, order ord_1001');
      return { a, b: a, asked, answer, events, onDecision: (listener) => void guard.on('decision', ({ decision }) => listener(decision)), landed: async () => undefined };
    }
    const first = guardOf(redis.store());
    listen(first);
    const a = await first.startSession({ sessionId });
    await a.message('user', 'I am cust_789, order ord_1001');
    const b = await guardOf(redis.store()).startSession({ sessionId });
    return { a, b, asked, answer, events, onDecision: (listener) => void first.on('decision', ({ decision }) => listener(decision)), landed: (status) => redis.untilStatus(sessionId, status) };
  };

  // One test per scenario and mode, so the run prints the parity matrix; the Redis run compares with memory's.
  describe.each(SCENARIOS)('%s', (_, setup, scenario) => {
    let memory: unknown;
    it('memory', async () => {
      memory = await scenario(await harness('memory', setup));
    }, 60_000);
    it('redis, two replicas', async () => {
      const redis = await scenario(await harness('redis', setup));
      expect(memory, 'the memory run of this scenario failed').toBeDefined();
      expect(redis).toEqual(memory);
    }, 60_000);
  });
});
