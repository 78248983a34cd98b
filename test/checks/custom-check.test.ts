import { describe, expect, it } from 'vitest';
import { defineCheck, flag } from '../../src/index.js';
import { codes, orderSession } from '../helpers/guard.js';

// The custom check of docs/architecture.md, as written there.
const refundWithinAmount = defineCheck('refund-within-amount', ['tool.call'], (event, context) => {
  if (event.tool !== 'refund_order') return [];
  const args = context.call().arguments;
  const amount = Number(args?.amount);
  const order = String(args?.order_id ?? '');
  if (!context.session.provenanceOf(order.toLowerCase()).trusted) return [];
  return amount > 500 ? [flag('REFUND_TOO_LARGE', event.step, `Refund of ${amount} is over the 500 limit.`, { order, amount })] : [];
});

describe('a custom check (docs/architecture.md)', () => {
  it('reads the session through its view, and its code is decided by the policy', async () => {
    const { session } = await orderSession({ checks: [refundWithinAmount], policy: { actions: { REFUND_TOO_LARGE: 'pause' } } });
    const large = await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_1001', amount: 900 } });
    expect(large).toMatchObject({ action: 'pause', proceed: false, flags: [{ code: 'REFUND_TOO_LARGE', evidence: { order: 'ord_1001', amount: 900 } }] });
    expect(session.status).toBe('paused');
  });

  it('lets a small refund through, and leaves an invented order to the built-in checks', async () => {
    const { session } = await orderSession({ checks: [refundWithinAmount], policy: { actions: { REFUND_TOO_LARGE: 'pause' } } });
    expect(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_1001', amount: 100 } })).toMatchObject({ action: 'allow', flags: [] });
    expect(codes(await session.beforeToolCall({ tool: 'refund_order', arguments: { order_id: 'ord_9999', amount: 900 } }))).toEqual(['ENTITY_HALLUCINATION']);
  });

  it('decides a code named like an Object member (constructor, __proto__) as any code the policy does not name', async () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const odd = defineCheck('odd-code', ['tool.call'], (event) => [flag(code, event.step, `Odd ${code}.`)]);
      const alerts: unknown[] = [];
      const { session } = await orderSession({ checks: [odd], onAlert: (alert) => void alerts.push(alert) });
      const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
      expect(decision).toMatchObject({ action: 'warn', proceed: true, flags: [{ code }] });
      expect(alerts).toEqual([]);
    }
  });

  it('refuses with the default hint when a blocking flag has such a code', async () => {
    const odd = defineCheck('odd-code', ['tool.call'], (event) => [flag('toString', event.step, 'Odd.'), flag('REFUND_TOO_LARGE', event.step, 'Too large.')]);
    const { session } = await orderSession({ checks: [odd], policy: { actions: { REFUND_TOO_LARGE: 'block' } } });
    const decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_1001' } });
    expect(decision.action).toBe('block');
    expect(decision.refusal?.hint).toBe('Change approach, or hand over to a human.');
  });
});
