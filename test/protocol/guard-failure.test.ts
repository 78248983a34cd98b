import { describe, expect, it } from 'vitest';
import { createGuard, guardFailureRefusal, MessageFeed, type PolicyDocument } from '../../src/index.js';
import { ORDER_TOOLS } from '../helpers/guard.js';

/** A guard whose clock can be made to fail: every event the session places then throws inside the guard. */
async function breakableSession(policy: PolicyDocument = {}) {
  let broken = false;
  const clock = () => {
    if (broken) throw new Error('clock unavailable');
    return Date.now();
  };
  const session = await createGuard({ tools: ORDER_TOOLS, policy, clock }).startSession({ entities: { customer_id: 'cust_789' } });
  return { session, breakGuard: () => (broken = true) };
}

describe('a guard that throws instead of deciding', () => {
  it('refuses the tool call with GUARD_ERROR (fail closed): the tool never runs, nothing is thrown', async () => {
    const { session, breakGuard } = await breakableSession();
    breakGuard();
    let ran = false;
    const outcome = await session.guardToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } }, () => (ran = true));
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ ran: false, decision: { action: 'block', proceed: false }, refusal: { error: 'agent_warden_refused', action: 'block', flags: [{ code: 'GUARD_ERROR' }] } });
    expect(outcome.refusal!.message).toMatch(/^Call to list_orders refused\. The guard failed while checking it \(clock unavailable\)/);
  });

  it('runs the call unchecked when the policy fails open (onCheckError: allow), with the caller\'s arguments', async () => {
    const { session, breakGuard } = await breakableSession({ onCheckError: 'allow' });
    breakGuard();
    const seen: unknown[] = [];
    const outcome = await session.guardToolCall({ tool: 'list_orders', arguments: '{"customer_id":"cust_789"}' }, (args) => (seen.push(args), ['ord_1001']));
    expect(seen).toEqual([{ customer_id: 'cust_789' }]);
    expect(outcome).toMatchObject({ ran: true, value: ['ord_1001'], decision: { action: 'warn', flags: [{ code: 'GUARD_ERROR' }] } });
    expect(outcome.refusal).toBeUndefined();
  });

  it('withholds a result it could not check (fail closed), after the tool ran', async () => {
    const { session, breakGuard } = await breakableSession();
    const outcome = await session.guardToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } }, () => (breakGuard(), ['ord_1001']));
    expect(outcome).toMatchObject({ ran: true, checked: { proceed: false }, refusal: { flags: [{ code: 'GUARD_ERROR' }] } });
    expect(outcome.refusal!.message).toMatch(/^Result of list_orders refused/);
  });

  it("still rethrows the tool's own error unchanged: only the guard's failures become refusals", async () => {
    const { session, breakGuard } = await breakableSession();
    const failure = new Error('database unavailable');
    await expect(session.guardToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } }, () => (breakGuard(), Promise.reject(failure)))).rejects.toBe(failure);
  });

  it('refuses a model call it cannot admit, without calling the provider; fails open when told to', async () => {
    for (const [policy, admitted] of [[{}, false], [{ onCheckError: 'allow' as const }, true]] as const) {
      const { session, breakGuard } = await breakableSession(policy);
      breakGuard();
      let calls = 0;
      const outcome = await session.guardModelCall({ model: 'm', messages: [{ role: 'user', text: 'hi' }], feed: new MessageFeed() }, () => (calls++, 'answer'), () => ({ text: 'answer' }));
      expect(calls).toBe(admitted ? 1 : 0);
      if (admitted) expect(outcome).toMatchObject({ ran: true, value: 'answer' });
      else expect(outcome).toMatchObject({ ran: false, refusal: { flags: [{ code: 'GUARD_ERROR' }] } });
    }
  });

  it('does not pass on a model answer whose recording failed (fail closed)', async () => {
    const { session, breakGuard } = await breakableSession();
    const outcome = await session.guardModelCall({ model: 'm' }, () => (breakGuard(), 'answer'), () => ({ text: 'answer' }));
    expect(outcome).toMatchObject({ ran: true, refusal: { flags: [{ code: 'GUARD_ERROR' }] } });
  });

  it('does not throw when the integration cannot read the provider\'s answer: refused (fail closed), or passed on when failing open', async () => {
    for (const [policy, passed] of [[{}, false], [{ onCheckError: 'allow' as const }, true]] as const) {
      const { session } = await breakableSession(policy);
      const outcome = await session.guardModelCall({ model: 'm' }, () => ({ unexpected: 'shape' }), () => {
        throw new TypeError("Cannot read properties of undefined (reading 'content')");
      });
      expect(outcome).toMatchObject({ ran: true, value: { unexpected: 'shape' }, decision: { proceed: passed, flags: [{ code: 'GUARD_ERROR' }] } });
      if (passed) expect(outcome.refusal).toBeUndefined();
      else expect(outcome.refusal!.message).toMatch(/^Answer of m refused\. The guard failed while checking it \(Cannot read properties/);
    }
  });

  it('benign: a working guard decides as before, with no GUARD_ERROR', async () => {
    const { session } = await breakableSession();
    const outcome = await session.guardToolCall({ tool: 'list_orders', arguments: { customer_id: 'cust_789' } }, () => ['ord_1001']);
    expect(outcome).toMatchObject({ ran: true, decision: { action: 'allow' }, checked: { proceed: true }, value: ['ord_1001'] });
    expect(outcome.refusal).toBeUndefined();
  });

  it('guardFailureRefusal reads any thrown value, even one that throws when read', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
    expect(guardFailureRefusal(hostile, 'Call to x')).toMatchObject({ error: 'agent_warden_refused', action: 'block', flags: [{ code: 'GUARD_ERROR' }] });
    expect(guardFailureRefusal('plain text', 'Call to x').message).toContain('(plain text)');
  });
});
