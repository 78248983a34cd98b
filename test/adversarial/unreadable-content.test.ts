import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGuard, type GuardSession } from '../../src/index.js';
import { JsonlFileSink, MemorySink, teeSinks } from '../../src/trace/sinks.js';
import { replayTrace } from '../../src/replay.js';
import { CIRCULAR, MAX_RECORDED_VALUES } from '../../src/trace/redact.js';
import { codes, ORDER_TOOLS } from './helpers.js';

async function orderSession(options: Parameters<typeof createGuard>[0] = {}) {
  const guard = createGuard({ tools: ORDER_TOOLS, ...options });
  const session = await guard.startSession();
  await session.message('user', 'Where is my order ord_1001?');
  return session;
}

async function resultOf(session: GuardSession, result: unknown, callId = 'c1') {
  await session.beforeToolCall({ callId, tool: 'get_order', arguments: { order_id: 'ord_1001' } });
  return session.afterToolCall({ callId, tool: 'get_order', result });
}

/** An ORM row or an HTTP response: an object holding a reference back to itself. */
function cyclic(): Record<string, unknown> {
  const row: Record<string, unknown> = { order_id: 'ord_1001', status: 'shipped' };
  row.self = row;
  return row;
}

/** One child shared under two keys at each of 40 levels: 2^40 values written out, 41 objects in memory. */
function sharedEverywhere(): unknown {
  let node: unknown = { order_id: 'ord_1001' };
  for (let level = 0; level < 40; level += 1) node = { left: node, right: node };
  return node;
}

describe('content that cannot be read whole: a decision, never a hang, a crash or an exception', () => {
  it('a result holding itself is withheld with GUARD_ERROR (fail closed), and the session goes on', async () => {
    const session = await orderSession();
    const decision = await resultOf(session, cyclic());
    expect(codes(decision)).toEqual(['GUARD_ERROR']);
    expect(decision).toMatchObject({ action: 'block', proceed: false });
    expect(decision.flags[0]!.evidence).toMatchObject({ stage: 'content', problem: expect.stringContaining('reference cycle') });
    expect(decision.flags[0]!.message).toContain('could not be read');
    // The next result is read as usual.
    expect(await resultOf(session, { order_id: 'ord_1001', status: 'shipped' }, 'c2')).toMatchObject({ action: 'allow', flags: [] });
  });

  it('so is retrieved content or a subagent output holding itself', async () => {
    const session = await orderSession();
    expect(codes(await session.contextAdd('memory', cyclic()))).toEqual(['GUARD_ERROR']);
    expect(codes(await session.subagentOutput(cyclic(), { agent: 'researcher' }))).toEqual(['GUARD_ERROR']);
  });

  it('a result sharing one child everywhere (2^40 values written out) stops at the walk bound, in slices', async () => {
    const session = await orderSession();
    const decision = await resultOf(session, sharedEverywhere());
    expect(codes(decision)).toEqual(['GUARD_ERROR']);
    expect(decision.flags[0]!.evidence).toMatchObject({ problem: expect.stringContaining('more than 4000000 values') });
  }, 60_000);

  it.each([
    ['a getter that throws', () => Object.defineProperty({ order_id: 'ord_1001' }, 'status', { enumerable: true, get: () => { throw new Error('connection reset'); } })],
    ['a Proxy whose ownKeys trap throws', () => new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })],
    ['a revoked Proxy', () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; }],
  ])('a result with %s is a GUARD_ERROR decision, not the tool\'s exception', async (_, make) => {
    const session = await orderSession();
    const decision = await resultOf(session, make());
    expect(codes(decision)).toEqual(['GUARD_ERROR']);
    expect(decision.flags[0]!.evidence).toMatchObject({ problem: expect.stringContaining('could not be read') });
  });

  it('benign: the same object under two keys, and a chain 300 levels deep, are read as usual', async () => {
    const session = await orderSession();
    const customer = { customer_id: 'cust_789', name: 'Ada' };
    expect(await resultOf(session, { order_id: 'ord_1001', billing: customer, shipping: customer }, 'c1')).toMatchObject({ action: 'allow', flags: [] });
    // What the shared object held vouches for its ids.
    expect((await session.beforeToolCall({ callId: 'c2', tool: 'list_orders', arguments: { customer_id: 'cust_789' } })).flags).toEqual([]);
    let deep: unknown = { order_id: 'ord_1001' };
    for (let level = 0; level < 300; level += 1) deep = { next: deep };
    const decision = await resultOf(session, deep, 'c3');
    expect(codes(decision)).not.toContain('GUARD_ERROR');
  });

  it('a trace file records such a result without walking it forever: a cycle marked, the values bounded', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'warden-unreadable-')), 'trace.jsonl');
    const sink = new JsonlFileSink(path);
    const session = await orderSession({ sink });
    expect(codes(await resultOf(session, cyclic()))).toEqual(['GUARD_ERROR']);
    expect(codes(await resultOf(session, sharedEverywhere(), 'c2'))).toEqual(['GUARD_ERROR']);
    const customer = { customer_id: 'cust_789' };
    await resultOf(session, { billing: customer, shipping: customer }, 'c3');
    sink.close();
    const results = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; result?: Record<string, unknown> }).filter((event) => event.type === 'tool.result');
    expect(results[0]!.result).toEqual({ order_id: 'ord_1001', status: 'shipped', self: CIRCULAR });
    expect(JSON.stringify(results[1]!.result)).toContain(`[truncated: more than ${MAX_RECORDED_VALUES} values]`);
    // Shared without a cycle: written out wherever it is, as JSON.stringify would.
    expect(results[2]!.result).toEqual({ billing: { customer_id: 'cust_789' }, shipping: { customer_id: 'cust_789' } });
  }, 60_000);

  it('replay withholds what live withheld: the recorded cycle marker and the note in place of the content read as unreadable again', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'warden-unreadable-')), 'trace.jsonl');
    const file = new JsonlFileSink(path);
    const memory = new MemorySink();
    const session = await orderSession({ sink: teeSinks(file, memory) });
    const live = [await resultOf(session, cyclic()), await session.subagentOutput(cyclic(), { agent: 'researcher' }), await resultOf(session, { order_id: 'ord_1001', status: 'shipped' }, 'c2')];
    expect(live.map(codes)).toEqual([['GUARD_ERROR'], ['GUARD_ERROR'], []]);
    file.close();
    const liveResults = [{ step: live[0]!.step, action: 'block', flags: ['GUARD_ERROR'] }, { step: live[2]!.step, action: 'allow', flags: [] }];
    // From the file (the cycle written as a marker) and from events kept as objects (the content replaced by the guard's note).
    for (const trace of [path, () => memory.events]) {
      const steps: Record<number, { action: string; flags: string[] }> = {};
      await replayTrace(trace, { tools: ORDER_TOOLS }, { onEvent: (event, decision) => void (steps[event.step] = { action: decision.action, flags: codes(decision) }) });
      for (const { step, action, flags } of liveResults) expect(steps[step], `step ${step}`).toEqual({ action, flags });
      expect(steps[live[1]!.step]).toMatchObject({ action: 'block', flags: ['GUARD_ERROR'] });
    }
  });

  it('benign: live, a result quoting the marker or the note is read as text', async () => {
    const session = await orderSession();
    expect(await resultOf(session, { order_id: 'ord_1001', log: CIRCULAR })).toMatchObject({ action: 'allow', flags: [] });
    expect(await resultOf(session, '[content not read: it holds itself]', 'c2')).toMatchObject({ action: 'allow', flags: [] });
  });
});
