/**
 * A runaway support chat: spend alerts at $1 and $5 reach a local webhook, a burn-rate spike throttles
 * the model calls, and the session type's budget pauses it before it reaches double digits.
 * Run: npm run build && node dist/examples/runaway-alerts.js
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuard } from 'agent-warden';
import { createWebhookSender } from 'agent-warden/sinks';

// A local webhook that prints what it receives (a pager, a Slack relay...).
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    const alert = JSON.parse(body) as { kind: string; level?: number; spent: { costUsd: number }; message: string };
    console.log(`webhook <- ${alert.kind}${alert.level !== undefined ? ` ${alert.level}` : ''}: ${alert.message}`);
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const webhook = createWebhookSender({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts` });

// A simulated clock: an hour of steady work, then a burst, without waiting an hour.
let now = Date.parse('2026-11-25T02:00:00Z');
const guard = createGuard({
  clock: () => now,
  sleep: async (ms) => void (now += ms),
  policy: {
    budget: { prices: { 'gpt-4o': { input: 2.5, output: 10 } }, throttle: { initialDelayMs: 2_000, maxDelayMs: 20_000 } },
    alerts: { costUsd: [1, 5, 9] },
    sessionTypes: { 'support-chat': { budget: { maxCostUsd: 6 } } },
  },
  onAlert: webhook,
});
guard.on('throttle', ({ delayMs }) => console.log(`throttled: next model call waits ${delayMs / 1000} s`));

const session = await guard.startSession({ type: 'support-chat' });
for (let call = 1; call <= 60; call += 1) {
  const inputTokens = call <= 12 ? 40_000 : 120_000;
  const admission = await session.beforeModelCall({ model: 'gpt-4o', estimatedInputTokens: inputTokens, maxOutputTokens: 500 });
  if (!admission.proceed) {
    console.log(`model call ${call} refused: ${admission.refusal?.message}`);
    break;
  }
  await session.modelCall({ model: 'gpt-4o', inputTokens, outputTokens: 500, reservationId: admission.reservationId });
  now += call <= 12 ? 5 * 60_000 : 20_000;
}
console.log(`session ${session.status}, spent $${(session.spend.costUsd).toFixed(2)}`);
await webhook.flush();
server.close();
