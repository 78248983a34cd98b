import { describe, expect, it } from 'vitest';
import { codes, orderSession } from '../helpers/guard.js';
import type { GuardSession } from '../../src/index.js';

async function call(session: GuardSession, tool: string, args: Record<string, unknown>, result: unknown) {
  const callId = `c${session.step + 1}`;
  const decision = await session.beforeToolCall({ callId, tool, arguments: args });
  if (decision.proceed) await session.afterToolCall({ callId, tool, result });
  return decision;
}

async function actions(calls: Array<[Record<string, unknown>, unknown]>, tool = 'get_status') {
  const jobs = [0, 1, 2, 3, 4].map(uuid).join(', ');
  const { session } = await orderSession({ userMessage: `Check job job_1 please, and jobs ${jobs}` });
  const found: string[] = [];
  for (const [args, result] of calls) found.push((await call(session, tool, args, result)).action);
  return found;
}

const uuid = (index: number) => `${(0x1a2b3c4d + index * 7919).toString(16).padStart(8, '0')}-9c1e-4f3a-8b7d-${(0x5e6f7a8b9c0d + index).toString(16).padStart(12, '0')}`;

describe('loop detection with per-request noise masked', () => {
  it('pauses a retry whose only change is a random nonce, when the results stay the same', async () => {
    const calls = [0, 1, 2, 3].map((index): [Record<string, unknown>, unknown] => [{ job_id: 'job_1', nonce: uuid(index) }, { state: 'running' }]);
    expect(await actions(calls)).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('pauses a retry counter, a request id and a cache-busting epoch time that hide the same call', async () => {
    expect(await actions([1, 2, 3, 4].map((attempt) => [{ job_id: 'job_1', attempt }, 'Error: upstream timeout']))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions([1, 2, 3, 4].map((index) => [{ job_id: 'job_1', idempotency_key: `key-${index}` }, 'Error: upstream timeout']))).toEqual(['allow', 'allow', 'allow', 'pause']);
    expect(await actions([0, 1, 2, 3].map((index) => [{ job_id: 'job_1', _: 1_732_550_000_000 + index * 1_500 }, { state: 'queued' }]))).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('pauses when the request timestamp is echoed back in an otherwise unchanged result', async () => {
    const calls = [0, 1, 2, 3].map((index): [Record<string, unknown>, unknown] => {
      const ts = `2024-05-20T10:00:0${index}Z`;
      return [{ job_id: 'job_1', ts }, { state: 'running', checked_at: ts, request_id: uuid(index + 10) }];
    });
    expect(await actions(calls)).toEqual(['allow', 'allow', 'allow', 'pause']);
  });

  it('does not pause polling with a nonce whose results keep changing', async () => {
    const calls = [0, 1, 2, 3, 4, 5].map((index): [Record<string, unknown>, unknown] => [{ job_id: 'job_1', nonce: uuid(index), ts: `2024-05-20T10:00:0${index}Z` }, { state: 'running', progress: index * 10 }]);
    expect(await actions(calls)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow']);
  });

  it('does not pause lookups of different entities with the same answer, even when their ids look random', async () => {
    const calls = [0, 1, 2, 3, 4].map((index): [Record<string, unknown>, unknown] => [{ job_id: uuid(index) }, { error: 'not found' }]);
    expect(await actions(calls)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
  });

  it('does not pause paging or different dates with the same empty answer, with a nonce on every call', async () => {
    const pages = [1, 2, 3, 4, 5].map((page): [Record<string, unknown>, unknown] => [{ query: 'flights', page, nonce: uuid(page) }, []]);
    expect(await actions(pages, 'search')).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
    const dates = [10, 11, 12, 13, 14].map((day): [Record<string, unknown>, unknown] => [{ query: 'flights', date: `2024-05-${day}`, idempotency_key: uuid(day) }, []]);
    expect(await actions(dates, 'search')).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
  });

  it('says which calls formed the loop', async () => {
    const { session } = await orderSession({ userMessage: 'job job_1' });
    let decision;
    for (let attempt = 1; attempt <= 4; attempt += 1) decision = await call(session, 'get_status', { job_id: 'job_1', attempt }, 'same');
    expect(codes(decision!)).toEqual(['LOOP_DETECTED']);
    const steps = decision!.flags[0]!.evidence!.steps as number[];
    expect(decision!.flags[0]!.evidence).toMatchObject({ repeats: 4 });
    expect(steps).toHaveLength(4);
    expect(steps.at(-1)).toBe(decision!.step);
  });
});

describe('loop similarity on long free text', () => {
  const base = 'Please summarise the quarterly revenue report for the northern region, list the three largest risks the finance team raised, and compare the operating margin with the same quarter last year, noting any one-off items that distort it';

  it('treats a long request with a word changed as the same call, and a different request as another', async () => {
    const variants = [base, base.replace('three', '3'), `${base}.`, base.replace('northern', 'Northern ')];
    expect(await actions(variants.map((query) => [{ query }, 'No report found']), 'search')).toEqual(['allow', 'allow', 'allow', 'pause']);
    const topics = [
      'Summarise the revenue figures of the northern region for the third quarter and explain what changed since the second quarter',
      'Which suppliers missed their delivery dates in October, and what penalties does their contract allow us to apply to them?',
      'Draft a polite reply to the customer who asked about the warranty on a blender bought in March, citing the returns policy',
      'List every open support ticket tagged billing that has waited more than five days without an answer from the team',
      'Compare the churn of monthly and annual subscribers over the last two years, by country, and flag any outliers found',
    ];
    expect(await actions(topics.map((query) => [{ query }, 'No report found']), 'search')).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
  });
});
