/**
 * Loops against progress (the loop audit): an edit-and-test cycle whose edits differ is an agent at
 * work, the same edit and the same test again is a loop; a status poll has a documented way to repeat.
 */
import { describe, expect, it } from 'vitest';
import { codes, ORDER_TOOLS, orderSession } from '../helpers/guard.js';
import type { GuardOptions, GuardSession } from '../../src/index.js';
import type { ToolDefinition } from '../../src/trace/events.js';

const CODING_TOOLS: ToolDefinition[] = [
  { name: 'write_file', input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } },
  { name: 'str_replace', input_schema: { type: 'object', properties: { path: { type: 'string' }, old_str: { type: 'string' }, new_str: { type: 'string' } }, required: ['path', 'old_str', 'new_str'] } },
  { name: 'bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
  { name: 'read_file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, annotations: { readOnlyHint: true } },
];

const FILE = `import { Item } from './types';\n\nexport function total(items: Item[]): number {\n  let sum = 0;\n  for (const item of items) {\n    sum += item.price * item.qty;\n  }\n  return Math.round(sum * 100) / 100;\n}\n\nexport function tax(amount: number, rate = 0.2): number {\n  return amount * rate;\n}\n`;
const ATTEMPTS = [
  'sum += item.price * item.qty * (1 - (item.discount ?? 0));',
  'sum += item.price * item.qty * (1 - (item.discountPct ?? 0) / 100);',
  'const d = item.discount?.percent ?? 0;\n    sum += item.price * item.qty * (1 - d / 100);',
  'sum += item.price * item.qty * (1 - (item.discount?.rate ?? 0));',
  'sum += item.price * item.qty - (item.discount ?? 0);',
];
const version = (line: string) => FILE.replace('sum += item.price * item.qty;', line);
const TEST = { command: 'npx vitest run test/cart.test.ts' };
const FAILING = 'FAIL  test/cart.test.ts > total > applies discount\nAssertionError: expected 90 to be 81\n ❯ test/cart.test.ts:14:27\n\nTest Files  1 failed (1)\n     Tests  1 failed | 11 passed (12)';
const WRITTEN = { ok: true, bytes: 300 };

async function codingSession(options: GuardOptions = {}) {
  return orderSession({ tools: [...ORDER_TOOLS, ...CODING_TOOLS], userMessage: 'The discount test in test/cart.test.ts fails, please fix src/cart.ts', ...options });
}

/** Runs the calls in order, stopping at the first one not allowed; the actions taken, in order. */
async function run(session: GuardSession, calls: Array<[string, Record<string, unknown>, unknown]>) {
  const actions: string[] = [];
  let last;
  for (const [tool, args, result] of calls) {
    const callId = `c${session.step + 1}`;
    last = await session.beforeToolCall({ callId, tool, arguments: args });
    actions.push(last.action);
    if (!last.proceed) break;
    await session.afterToolCall({ callId, tool, result });
  }
  return { actions, last: last! };
}

describe('an edit-and-test cycle is progress while the edits differ', () => {
  it('does not pause whole-file rewrites one line apart, each followed by the same failing test', async () => {
    const { session } = await codingSession();
    const calls = ATTEMPTS.flatMap((line): Array<[string, Record<string, unknown>, unknown]> => [
      ['write_file', { path: 'src/cart.ts', content: version(line) }, WRITTEN],
      ['bash', TEST, FAILING],
    ]);
    expect((await run(session, calls)).actions).toEqual(calls.map(() => 'allow'));
  });

  it('pauses the same whole file written again and the same test run again', async () => {
    const { session } = await codingSession();
    const same: Array<[string, Record<string, unknown>, unknown]> = [['write_file', { path: 'src/cart.ts', content: version(ATTEMPTS[0]!) }, WRITTEN], ['bash', TEST, FAILING]];
    const { actions, last } = await run(session, [...same, ...same, ...same]);
    expect(actions).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(codes(last)).toEqual(['LOOP_DETECTED']);
    expect(last.flags[0]!.evidence).toMatchObject({ pattern: 'oscillation', period: 2 });
  });

  it('pauses the fourth identical test run when the writes between are the same content again (oscillation off)', async () => {
    const { session } = await codingSession({ policy: { loop: { oscillation: false } } });
    const same: Array<[string, Record<string, unknown>, unknown]> = [['write_file', { path: 'src/cart.ts', content: version(ATTEMPTS[0]!) }, WRITTEN], ['bash', TEST, FAILING]];
    const { actions, last } = await run(session, [...same, ...same, ...same, ...same]);
    // A repeated write changes nothing new, so the test runs between them chain: the 4th is paused.
    expect(actions).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'pause']);
    expect(last.flags[0]!.evidence).toMatchObject({ tool: 'bash', repeats: 4 });
  });

  it('pauses a file flipped back and forth between two versions with the same test result', async () => {
    const { session } = await codingSession();
    const round: Array<[string, Record<string, unknown>, unknown]> = [
      ['write_file', { path: 'src/cart.ts', content: version(ATTEMPTS[0]!) }, WRITTEN],
      ['bash', TEST, FAILING],
      ['write_file', { path: 'src/cart.ts', content: version(ATTEMPTS[1]!) }, WRITTEN],
      ['bash', TEST, FAILING],
    ];
    const { actions, last } = await run(session, [...round, ...round]);
    expect(actions).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'pause']);
    expect(last.flags[0]!.evidence).toMatchObject({ pattern: 'oscillation', period: 4 });
  });

  it('does not pause the same test run after each of four different str_replace edits', async () => {
    const { session } = await codingSession();
    const calls = ATTEMPTS.slice(0, 4).flatMap((line, index): Array<[string, Record<string, unknown>, unknown]> => [
      ['str_replace', { path: 'src/cart.ts', old_str: index === 0 ? 'sum += item.price * item.qty;' : ATTEMPTS[index - 1]!, new_str: line }, 'The file src/cart.ts has been edited.'],
      ['bash', TEST, FAILING],
    ]);
    expect((await run(session, calls)).actions).toEqual(calls.map(() => 'allow'));
  });

  it('pauses the fourth identical test run when only lookups came between', async () => {
    const { session } = await codingSession();
    const calls = [0, 1, 2, 3].flatMap((index): Array<[string, Record<string, unknown>, unknown]> => [
      ['read_file', { path: `src/file${index}.ts` }, `export const x${index} = ${index};`],
      ['bash', TEST, FAILING],
    ]);
    const { actions, last } = await run(session, calls);
    expect(actions).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'pause']);
    expect(last.flags[0]!.evidence).toMatchObject({ tool: 'bash', repeats: 4 });
  });

  it('does not pause short one-line file contents that differ, each followed by the same failing test', async () => {
    const { session } = await codingSession();
    const calls = [0, 1, 2, 3].flatMap((value): Array<[string, Record<string, unknown>, unknown]> => [
      ['write_file', { path: 'src/cart.ts', content: `export const x = ${value};` }, { ok: true }],
      ['bash', TEST, FAILING],
    ]);
    expect((await run(session, calls)).actions).toEqual(calls.map(() => 'allow'));
  });

  it('still pauses a short search query reworded four times with the same empty result', async () => {
    const { session } = await codingSession();
    const queries = ['acme return policy', 'Acme return policy.', 'acme return  polcy', 'acme returns policy'];
    const { actions } = await run(session, queries.map((query): [string, Record<string, unknown>, unknown] => ['search', { query }, { results: [] }]));
    expect(actions).toEqual(['allow', 'allow', 'allow', 'pause']);
  });
});

describe('polling a status that does not change', () => {
  const POLL = { job_id: 'job_1' };
  const polls = (count: number, result: (index: number) => unknown): Array<[string, Record<string, unknown>, unknown]> =>
    Array.from({ length: count }, (_, index) => ['get_status', POLL, result(index)]);

  it('does not pause a poll whose result carries a field that changes with progress (the documented advice)', async () => {
    for (const result of [(index: number) => ({ state: 'running', elapsed_seconds: 2 ** (index + 1) }), (index: number) => ({ state: 'queued', queue_position: 10 - index })]) {
      const { session } = await orderSession({ userMessage: 'Watch job job_1' });
      expect((await run(session, polls(8, result))).actions).toEqual(Array(8).fill('allow'));
    }
  });

  it('pauses the 4th poll whose result changes only by a timestamp: request times are masked as noise', async () => {
    const { session } = await orderSession({ userMessage: 'Watch job job_1' });
    const checkedAt = (index: number) => ({ state: 'running', checked_at: new Date(Date.UTC(2025, 2, 14, 10, 0, 2 ** (index + 1))).toISOString() });
    expect((await run(session, polls(4, checkedAt))).actions).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('lets a tool with its own loop.maxRepeats poll unchanged that many times, and pauses the next poll', async () => {
    const { session } = await orderSession({ userMessage: 'Watch job job_1', policy: { tools: { get_status: { loop: { maxRepeats: 10 } } } } });
    const { actions, last } = await run(session, polls(11, () => ({ state: 'running' })));
    expect(actions).toEqual([...Array(10).fill('allow'), 'pause']);
    expect(last.flags[0]!.evidence).toMatchObject({ tool: 'get_status', repeats: 11, limit: 10 });
  });

  it('keeps the session limit for the other tools, and bounds round-robin polls of two jobs by the tool limit', async () => {
    const { session } = await orderSession({ userMessage: 'Watch jobs job_1 and job_2, orders of cust_789', policy: { tools: { get_status: { loop: { maxRepeats: 6 } } } } });
    const lists = [0, 1, 2, 3].map((): [string, Record<string, unknown>, unknown] => ['list_orders', { customer_id: 'cust_789' }, ['ord_1001']]);
    expect((await run(session, lists)).actions).toEqual(['allow', 'allow', 'allow', 'pause']);

    const fresh = await orderSession({ userMessage: 'Watch jobs job_1 and job_2', policy: { tools: { get_status: { loop: { maxRepeats: 6 } } } } });
    const roundRobin = Array.from({ length: 14 }, (_, index): [string, Record<string, unknown>, unknown] => ['get_status', { job_id: `job_${(index % 2) + 1}` }, { state: 'running' }]);
    const { actions, last } = await run(fresh.session, roundRobin);
    expect(actions).toEqual([...Array(12).fill('allow'), 'pause']);
    expect(last.flags[0]!.evidence).toMatchObject({ repeats: 7 });
  });
});
