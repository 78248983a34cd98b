import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BudgetAlert } from '../../src/index.js';
import { createWebhookSender } from '../../src/trace/sinks.js';
import { orderSession } from '../helpers/guard.js';

interface Received {
  body: unknown;
  headers: IncomingMessage['headers'];
}

let server: Server | undefined;

/** A local webhook answering with the given statuses in turn (then 200), recording what it got. */
async function webhook(statuses: number[] = [], hold?: Promise<void>): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', async () => {
      received.push({ body: JSON.parse(text), headers: request.headers });
      if (hold) await hold;
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

const noWait = async () => undefined;

describe('webhook sender', () => {
  it('delivers each alert of a session as JSON to a local server', async () => {
    const { url, received } = await webhook();
    const send = createWebhookSender({ url, headers: { authorization: 'Bearer t' }, sleep: noWait });
    const { session } = await orderSession({ policy: { alerts: { tokens: [100, 1_000], costUsd: [] } }, onAlert: send });
    await session.modelCall({ model: 'm', inputTokens: 2_000, outputTokens: 0 });
    await send.flush();
    expect(received.map((request) => (request.body as BudgetAlert).level)).toEqual([100, 1_000]);
    expect(received[0]!.body).toMatchObject({ sessionId: 's-test', kind: 'tokens', spent: { tokens: 2_000 } });
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t' });
    expect(send.stats).toMatchObject({ delivered: 2, failed: 0 });
  });

  it('retries after a failure (503), and gives up on a rejection (400) without retrying', async () => {
    const { url, received } = await webhook([503, 400]);
    const failures: string[] = [];
    const send = createWebhookSender({ url, retries: 2, sleep: noWait, onError: (error) => failures.push(error.message) });
    const alert = { sessionId: 's', kind: 'cost', level: 1, step: 3, message: 'm', spent: { tokens: 1, costUsd: 1 }, tokensPerMinute: null, topSteps: [], at: '2026-11-25T00:00:00.000Z' } as BudgetAlert;
    send(alert);
    await send.flush();
    // 503, then the retry gets 400: a rejection is final.
    expect(received).toHaveLength(2);
    expect(send.stats).toMatchObject({ delivered: 0, failed: 1, retried: 1 });
    expect(failures[0]).toMatch(/answered 400/);
    send({ ...alert, level: 5 });
    await send.flush();
    expect(send.stats.delivered).toBe(1);
  });

  it('retries when the server cannot be reached, then reports the failure', async () => {
    const { url } = await webhook();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const failures: Error[] = [];
    const send = createWebhookSender({ url, retries: 2, sleep: noWait, onError: (error) => failures.push(error) });
    send({ sessionId: 's' } as BudgetAlert);
    await send.flush();
    expect(send.stats).toMatchObject({ failed: 1, retried: 2 });
    expect(failures).toHaveLength(1);
  });

  it('never delays a decision: the guard answers while the webhook is still holding the request', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { url, received } = await webhook([], held);
    const send = createWebhookSender({ url, sleep: noWait });
    const { session } = await orderSession({ policy: { alerts: { tokens: [10], costUsd: [] } }, onAlert: send });
    const decision = await session.modelCall({ model: 'm', inputTokens: 100, outputTokens: 0 });
    expect(decision.flags.map((flag) => flag.code)).toEqual(['BUDGET_ALERT']);
    // The decision is back; the alert is not delivered yet (the server holds it).
    expect(send.stats.delivered).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await send.flush();
    expect(received).toHaveLength(1);
    expect(send.stats.delivered).toBe(1);
  });

  it('keeps its queue bounded, dropping the oldest waiting alert and counting it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { url, received } = await webhook([], held);
    const send = createWebhookSender({ url, maxQueue: 2, sleep: noWait });
    for (let level = 1; level <= 5; level += 1) send({ sessionId: 's', level } as BudgetAlert);
    release();
    await send.flush();
    expect(send.stats.dropped).toBe(3);
    expect(received.map((request) => (request.body as BudgetAlert).level)).toEqual([4, 5]);
  });
});
