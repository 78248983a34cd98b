import { describe, expect, it } from 'vitest';
import { orderSession } from '../helpers/guard.js';
import type { GuardSession } from '../../src/index.js';

async function call(session: GuardSession, tool: string, args: Record<string, unknown>, result: unknown) {
  const callId = `c${session.step + 1}`;
  const decision = await session.beforeToolCall({ callId, tool, arguments: args });
  if (decision.proceed) await session.afterToolCall({ callId, tool, result });
  return decision;
}

/** The actions for one query per call, each answered the same: only the arguments can tell the calls apart. */
async function actions(queries: readonly string[]): Promise<string[]> {
  const { session } = await orderSession();
  const found: string[] = [];
  for (const query of queries) found.push((await call(session, 'search', { query }, { sent: true })).action);
  return found;
}

const LONG = (order: string, amount: string, date: string) =>
  `Hello, thank you for contacting us about order ${order}. We have issued a refund of ${amount} to your original payment method on ${date}; it can take up to five business days to appear on your statement, and we are sorry for the trouble with the damaged item.`;

describe('loop detection on free text that differs only in numbers or ids', () => {
  it('does not pause the same support message sent for different orders, amounts and dates', async () => {
    const messages = [
      LONG('#W1234567', '$120.50', '2024-05-20'),
      LONG('#W7654321', '$120.50', '2024-05-20'),
      LONG('#W2378156', '$89.10', '2024-05-21'),
      LONG('#W4817420', '$15.00', '2024-05-22'),
      LONG('#W9911003', '$15.00', '2024-05-22'),
    ];
    expect(await actions(messages)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
  });

  it('does not pause short requests that walk pages, amounts or ids', async () => {
    expect(await actions(['orders page 1 of results', 'orders page 2 of results', 'orders page 3 of results', 'orders page 4 of results'])).toEqual(['allow', 'allow', 'allow', 'allow']);
    expect(await actions(['status of order W1234567', 'status of order W7654321', 'status of order W2378156', 'status of order W4817420'])).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('still pauses the same long message repeated with the same numbers, whatever its spacing, case and punctuation', async () => {
    const same = LONG('#W1234567', '$120.50', '2024-05-20');
    const variants = [same, same.toUpperCase(), same.replace(/ /g, '  ').replace('#W1234567.', 'W1234567,'), `  ${same.replace('$120.50', '$ 120.50')}!`];
    expect(await actions(variants)).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('still pauses a reworded request whose numbers are the same, or where a number word was written in digits', async () => {
    const base = LONG('#W1234567', '$120.50', '2024-05-20');
    const variants = [base, base.replace('five', '5'), base.replace('damaged item', 'broken item'), base.replace('Hello, thank', 'Thank')];
    expect(await actions(variants)).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions(['status of order W1234567', 'Status of order W1234567?', 'status of the order W1234567', 'status of order #W1234567'])).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('pauses a retry that only counts its attempts in its text, and not requests for other orders that happen to be counted too', async () => {
    const retries = [1, 2, 3, 4].map((count) => `Export the Q3 revenue report as CSV (attempt ${count} of 5)`);
    expect(await actions(retries)).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions(['1st try: sync the calendar', '2nd try: sync the calendar', '3rd try: sync the calendar', '4th try: sync the calendar'])).toEqual(['allow', 'allow', 'allow', 'pause']);
    const others = ['W1234567', 'W7654321', 'W2378156', 'W4817420'].map((order, index) => `attempt ${index + 1}: status of order ${order}`);
    expect(await actions(others)).toEqual(['allow', 'allow', 'allow', 'allow']);
  });
});
