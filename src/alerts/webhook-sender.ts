import type { BudgetAlert } from '../runtime.js';

export interface WebhookSenderOptions {
  /** Where alerts are POSTed, as JSON. */
  url: string | URL;
  headers?: Record<string, string>;
  /** Per attempt (default 5,000 ms). */
  timeoutMs?: number;
  /** Attempts after the first, for network errors, timeouts, 429 and 5xx (default 3). */
  retries?: number;
  /** Delay before the first retry, doubled for each further one (default 500 ms). */
  backoffMs?: number;
  /** Alerts waiting at most; past it the oldest waiting one is dropped and counted (default 1,000). */
  maxQueue?: number;
  /** Told about every alert that could not be delivered, after its last attempt. */
  onError?: (error: Error, alert: BudgetAlert) => void;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** How to wait between attempts (default: a timer). Tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** The sender: call it with an alert (it returns at once), or `flush()` to wait for everything queued. */
export interface WebhookSender {
  (alert: BudgetAlert): void;
  /** Resolves when every alert queued so far was delivered or given up on. */
  flush(): Promise<void>;
  readonly stats: { delivered: number; failed: number; dropped: number; retried: number };
}

/** A 4xx answer other than 429: sending the same alert again cannot succeed. */
class Rejected extends Error {}

/**
 * Delivers alerts to a webhook: POST JSON with a timeout per attempt and retries with backoff, one at a
 * time in order, off the decision path (calling the sender only queues), with a bounded queue.
 * @example
 * const guard = createGuard({ policy, onAlert: createWebhookSender({ url: 'https://hooks.example.com/warden' }) });
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxQueue = options.maxQueue ?? 1_000;
  const post = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.()));
  const queue: BudgetAlert[] = [];
  const stats = { delivered: 0, failed: 0, dropped: 0, retried: 0 };
  let draining: Promise<void> | undefined;

  async function deliver(alert: BudgetAlert): Promise<void> {
    const body = JSON.stringify(alert);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await post(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'agent-warden', ...options.headers },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          stats.delivered += 1;
          return;
        }
        const message = `webhook ${String(options.url)} answered ${response.status}`;
        throw response.status !== 429 && response.status < 500 ? new Rejected(message) : new Error(message);
      } catch (error) {
        if (error instanceof Rejected || attempt >= retries) {
          stats.failed += 1;
          options.onError?.(error instanceof Error ? error : new Error(String(error)), alert);
          return;
        }
        stats.retried += 1;
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) await deliver(queue.shift()!);
    draining = undefined;
  }

  const send = ((alert: BudgetAlert) => {
    queue.push(alert);
    if (queue.length > maxQueue) {
      queue.shift();
      stats.dropped += 1;
    }
    // Started on a later tick: the decision that raised the alert never waits for the network.
    draining ??= Promise.resolve().then(drain);
  }) as WebhookSender;
  Object.defineProperty(send, 'stats', { value: stats });
  send.flush = async () => {
    while (draining) await draining;
  };
  return send;
}
