import { describe, expect, it } from 'vitest';
import { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';
import type { GuardSession } from '../../src/index.js';
import type { ToolDefinition } from '../../src/trace/events.js';

/** A lookup that declares every argument the drifting retry passes: none of them is masked as undeclared. */
const SEARCH_RESERVATIONS: ToolDefinition = {
  name: 'search_reservations',
  input_schema: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      reservation_id: { type: 'string' },
      cabin: { type: 'string' },
      payment_id: { type: 'string' },
      flights: { type: 'array', items: { type: 'object', properties: { flight_number: { type: 'string' }, date: { type: 'string' } } } },
    },
  },
  annotations: { readOnlyHint: true },
};

async function call(session: GuardSession, tool: string, args: Record<string, unknown>, result: unknown) {
  const callId = `c${session.step + 1}`;
  const decision = await session.beforeToolCall({ callId, tool, arguments: args });
  if (decision.proceed) await session.afterToolCall({ callId, tool, result });
  return decision;
}

describe('loop detection', () => {
  it('pauses exactly the 4th near-identical call whose results did not change', async () => {
    const { session } = await orderSession({ userMessage: 'Check job job_1 please' });
    const variants = [{ job_id: 'job_1' }, { job_id: ' JOB_1 ' }, { job_id: 'job_1' }, { job_id: 'Job_1' }];
    const actions = [];
    for (const args of variants) actions.push((await call(session, 'get_status', args, { state: 'running' })).action);
    expect(actions).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(session.status).toBe('paused');
  });

  it('treats key order, whitespace, case and date formats as the same call', async () => {
    const { session } = await orderSession();
    const variants = [
      { query: 'flights  to Paris', page: 1, date: '2024-05-20' },
      { page: 1, query: 'Flights to paris', date: 'May 20, 2024' },
      { date: '05/20/2024', query: 'flights to paris', page: 1 },
      { query: 'flights to paris ', date: '2024/05/20', page: 1 },
    ];
    const last = await Promise.all([]).then(async () => {
      let decision;
      for (const args of variants) decision = await call(session, 'search', args, []);
      return decision!;
    });
    expect(codes(last)).toEqual(['LOOP_DETECTED']);
    expect(last.flags[0]!.evidence).toMatchObject({ repeats: 4 });
  });

  it('does not pause polling whose results keep changing', async () => {
    const { session } = await orderSession({ userMessage: 'Watch job job_1' });
    for (let poll = 0; poll < 10; poll += 1) {
      const decision = await call(session, 'get_status', { job_id: 'job_1' }, { progress: poll * 10 });
      expect(decision.action).toBe('allow');
    }
  });

  it('does not pause searches over different dates or pages, even with the same empty answer', async () => {
    const { session } = await orderSession();
    for (let day = 10; day < 20; day += 1) {
      expect((await call(session, 'search', { query: 'flights', date: `2024-05-${day}` }, [])).action).toBe('allow');
    }
    for (let page = 1; page < 8; page += 1) expect((await call(session, 'search', { query: 'flights', page }, [])).action).toBe('allow');
  });

  it('catches a drifting retry: each call a small edit of the last, the same error each time', async () => {
    // The flights come from the customer: only the loop is under test here, not where the ids came from.
    const { session } = await orderSession({ tools: [...ORDER_TOOLS, SEARCH_RESERVATIONS], userMessage: 'Change reservation XEWRD9 to HAT030, HAT223, HAT252, HAT102 or HAT124, pay with gift_card_4643416' });
    const flights = (third: string, fourth?: string) => [
      { flight_number: 'HAT030', date: '2024-05-13' },
      { flight_number: 'HAT223', date: '2024-05-14' },
      { flight_number: third, date: '2024-05-21' },
      ...(fourth ? [{ flight_number: fourth, date: '2024-05-21' }] : []),
    ];
    const base = { reservation_id: 'XEWRD9', cabin: 'economy', payment_id: 'gift_card_4643416' };
    const error = 'Error: flight HAT030 not available on date 2024-05-13';
    const tools = ['HAT252', 'HAT102', 'HAT102'].map((third) => ({ ...base, flights: flights(third, 'HAT124') }));
    for (const args of tools) expect((await call(session, 'search_reservations', { query: 'x', ...args }, error)).action).toBe('allow');
    const fourth = await call(session, 'search_reservations', { query: 'x', ...base, flights: flights('HAT102') }, error);
    expect(codes(fourth)).toEqual(['LOOP_DETECTED']);
  });

  it('pauses A-B-A-B oscillation with unchanged results, not alternation that learns something', async () => {
    const { session } = await orderSession();
    await call(session, 'get_order', { order_id: 'ord_1001' }, { status: 'shipped' });
    await call(session, 'list_orders', { customer_id: 'cust_789' }, ['ord_1001']);
    await call(session, 'get_order', { order_id: 'ord_1001' }, { status: 'shipped' });
    const decision = await call(session, 'list_orders', { customer_id: 'cust_789' }, ['ord_1001']);
    expect(decision.action).toBe('pause');
    expect(decision.flags[0]!.evidence).toMatchObject({ pattern: 'oscillation' });

    const fresh = await orderSession();
    await call(fresh.session, 'get_order', { order_id: 'ord_1001' }, { status: 'packed' });
    await call(fresh.session, 'list_orders', { customer_id: 'cust_789' }, ['ord_1001']);
    await call(fresh.session, 'get_order', { order_id: 'ord_1001' }, { status: 'shipped' });
    expect((await call(fresh.session, 'list_orders', { customer_id: 'cust_789' }, ['ord_1001'])).action).toBe('allow');
  });

  it('refuses later calls while paused, and lets them through once resumed', async () => {
    const { session, guard } = await orderSession({ userMessage: 'job job_1' });
    const paused: string[] = [];
    guard.on('pause', ({ sessionId }) => paused.push(sessionId));
    for (let index = 0; index < 4; index += 1) await call(session, 'get_status', { job_id: 'job_1' }, 'same');
    const refused = await session.beforeToolCall({ tool: 'search', arguments: { query: 'something else' } });
    expect(refused.action).toBe('pause');
    expect(codes(refused)).toEqual(['SESSION_PAUSED']);
    expect(refused.refusal?.message).toMatch(/paused/);
    expect(paused).toEqual(['s-test']);
    session.resume();
    expect((await session.beforeToolCall({ tool: 'search', arguments: { query: 'something else' } })).action).toBe('allow');
  });

  it('asks the escalation handler on a pause: approve lets the call run', async () => {
    const asked: string[][] = [];
    const { session } = await orderSession({
      userMessage: 'job job_1',
      escalate: ({ flags }) => {
        asked.push(flags.map((flag) => flag.code));
        return 'approve';
      },
    });
    let decision;
    for (let index = 0; index < 4; index += 1) decision = await call(session, 'get_status', { job_id: 'job_1' }, 'same');
    expect(decision!.action).toBe('pause');
    expect(decision!.proceed).toBe(true);
    expect(decision!.escalation).toBe('approved');
    expect(asked).toEqual([['LOOP_DETECTED']]);
    expect(session.status).toBe('active');
  });

  it('keeps the session paused when the handler denies, and stops it when it kills', async () => {
    for (const answer of ['deny', 'kill'] as const) {
      const { session } = await orderSession({ userMessage: 'job job_1', escalate: async () => answer });
      for (let index = 0; index < 4; index += 1) await call(session, 'get_status', { job_id: 'job_1' }, 'same');
      expect(session.status).toBe(answer === 'deny' ? 'paused' : 'killed');
      const next = await session.beforeToolCall({ tool: 'search', arguments: { query: 'q' } });
      expect(codes(next)).toEqual([answer === 'deny' ? 'SESSION_PAUSED' : 'SESSION_KILLED']);
      expect(next.action).toBe(answer === 'deny' ? 'pause' : 'kill');
    }
  });
});
