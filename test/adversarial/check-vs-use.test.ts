import { describe, expect, it } from 'vitest';
import { createGuard, type TraceEvent, type TraceSink } from '../../src/index.js';
import { MemorySink } from '../../src/trace/sinks.js';
import { codes, ORDER_TOOLS, orderSession } from './helpers.js';

describe('what is checked is what runs', () => {
  it('a getter that shows the guard one id and the tool another is read once: the tool gets what was checked', async () => {
    const { session } = await orderSession();
    let reads = 0;
    const args = {
      get order_id() {
        reads += 1;
        return reads === 1 ? 'ord_1001' : 'ord_EVIL';
      },
    };
    let seen: unknown;
    const getOrder = session.wrapTool('get_order', async (checked: { order_id: string }) => (seen = checked.order_id));
    await getOrder(args as { order_id: string });
    expect(seen).toBe('ord_1001');
    expect(reads).toBe(1);
  });

  it('a Proxy that answers differently per read is read once', async () => {
    const { session } = await orderSession();
    let reads = 0;
    const args = new Proxy({ order_id: 'x' }, { get: (_, key) => (key === 'order_id' ? (++reads === 1 ? 'ord_1001' : 'ord_EVIL') : undefined) });
    let seen: unknown;
    const getOrder = session.wrapTool('get_order', async (checked: { order_id: string }) => (seen = checked.order_id));
    await getOrder(args);
    expect(seen).toBe('ord_1001');
  });

  it('the caller mutating its object after the check changes nothing the tool gets', async () => {
    const { session } = await orderSession();
    const args = { query: 'ord_1001', nested: { ids: ['ord_1001'] } };
    const decision = await session.beforeToolCall({ tool: 'search', arguments: args });
    args.query = 'ord_EVIL';
    args.nested.ids.push('ord_EVIL');
    expect(decision.arguments).toEqual({ query: 'ord_1001', nested: { ids: ['ord_1001'] } });
  });

  it('the snapshot is deep-frozen: a tool cannot rewrite what was checked (or the trace)', async () => {
    const sink = new MemorySink();
    const guard = createGuard({ tools: ORDER_TOOLS, sink });
    const session = await guard.startSession();
    await session.message('user', 'order ord_1001');
    const mutate = session.wrapTool('get_order', async (checked: { order_id: string }) => {
      checked.order_id = 'ord_EVIL';
      return 'ran';
    });
    await expect(mutate({ order_id: 'ord_1001' })).rejects.toThrow(TypeError);
    const call = sink.events.find((event) => event.type === 'tool.call');
    expect(call).toMatchObject({ arguments: { order_id: 'ord_1001' } });
  });

  it('a getter that throws is an unreadable argument: refused, the tool never runs', async () => {
    const { session } = await orderSession();
    let ran = false;
    const getOrder = session.wrapTool('get_order', async () => (ran = true));
    const answer = await getOrder({
      get order_id(): string {
        throw new Error('boom');
      },
    });
    expect(answer).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'TOOL_ARG_MISMATCH' }] });
    expect(ran).toBe(false);
  });

  it('a Proxy whose ownKeys trap throws is refused, not thrown', async () => {
    const { session } = await orderSession();
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(await session.beforeToolCall({ tool: 'search', arguments: hostile })).toMatchObject({ proceed: false, flags: [{ evidence: { reason: 'unreadable' } }] });
  });

  it('JSON text arguments reach the tool as the parsed, checked object', async () => {
    const { session } = await orderSession();
    let seen: unknown;
    const getOrder = session.wrapTool('get_order', async (checked: Record<string, unknown>) => (seen = checked));
    await getOrder('{"order_id":"ord_1001"}');
    expect(seen).toEqual({ order_id: 'ord_1001' });
    expect(Object.isFrozen(seen)).toBe(true);
  });

  it('toJSON is honoured once and functions are dropped, as JSON would', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q', when: new Date(0), fn: () => 1 } as never });
    expect(decision.arguments).toEqual({ query: 'q', when: '1970-01-01T00:00:00.000Z' });
  });

  it('a __proto__ key stays data and is refused, and the prototype is untouched', async () => {
    const { session } = await orderSession();
    const decision = await session.beforeToolCall({ tool: 'search', arguments: JSON.parse('{"query":"q","__proto__":{"polluted":true}}') });
    expect(decision.flags).toMatchObject([{ code: 'TOOL_ARG_MISMATCH', evidence: { reason: 'forbidden_key' } }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a call whose record cannot be written fails closed', () => {
  const failing = (failOn: TraceEvent['type']): TraceSink => ({
    write(event) {
      if (event.type === failOn) throw new Error('disk full');
    },
  });

  it('a tool call the trace cannot hold is refused (GUARD_ERROR, stage record), and reported', async () => {
    const guard = createGuard({ tools: ORDER_TOOLS, sink: failing('tool.call') });
    const errors: Error[] = [];
    guard.on('error', ({ error }) => errors.push(error));
    const session = await guard.startSession();
    let ran = false;
    const search = session.wrapTool('search', async () => (ran = true));
    expect(await search({ query: 'q' })).toMatchObject({ error: 'agent_warden_refused', flags: [{ code: 'GUARD_ERROR' }] });
    expect(ran).toBe(false);
    expect(errors.map((error) => error.message)).toEqual(['disk full']);
  });

  it('a result the trace cannot hold is withheld', async () => {
    const session = await createGuard({ tools: ORDER_TOOLS, sink: failing('tool.result') }).startSession();
    await session.beforeToolCall({ callId: 'c', tool: 'search', arguments: { query: 'q' } });
    expect(await session.afterToolCall({ callId: 'c', tool: 'search', result: 'data' })).toMatchObject({ proceed: false, flags: [{ evidence: { stage: 'record' } }] });
  });

  it('onRecordError: allow lets the call run with a warning', async () => {
    const session = await createGuard({ tools: ORDER_TOOLS, sink: failing('tool.call'), policy: { onRecordError: 'allow' } }).startSession();
    expect(await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } })).toMatchObject({ proceed: true, action: 'warn' });
  });

  it('benign: a failing sink for other events does not refuse calls', async () => {
    const session = await createGuard({ tools: ORDER_TOOLS, sink: failing('guard.decision') }).startSession();
    expect(codes(await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } }))).toEqual([]);
  });
});
