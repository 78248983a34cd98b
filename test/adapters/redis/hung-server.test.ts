import { connect, createServer, type Server, type Socket } from 'node:net';
import { expect, it, onTestFinished } from 'vitest';
import { createGuard, type ToolDefinition } from '../../../src/index.js';
import { describeWithRedis, REDIS_URL, storeForThisTest, uniquePrefix } from '../../helpers/redis.js';
import { warden } from '../../helpers/cli.js';

const TOOLS: ToolDefinition[] = [{ name: 'get_order', input_schema: { type: 'object', properties: { order_id: { type: 'string' } } }, annotations: { readOnlyHint: true } }];

/**
 * A TCP server in front of the shared Redis that can stop answering: while hung, it takes every connection
 * and every byte and sends nothing back (what it took is dropped, never forwarded later); once answering
 * again, new bytes go through, and connections it took while hung stay silent for ever.
 */
class HangingServer {
  hung = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly upstreamPort: number) {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(): Promise<HangingServer> {
    const made = new HangingServer(Number(new URL(REDIS_URL).port || 6379));
    await new Promise<void>((resolve) => made.server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => made.stop());
    return made;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    if (this.hung) {
      socket.on('data', () => undefined);
      return;
    }
    const upstream = connect(this.upstreamPort, new URL(REDIS_URL).hostname);
    this.sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('data', (chunk) => {
      if (!this.hung) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!this.hung) socket.write(chunk);
    });
  }

  private async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Runs `work`, failing if it has not settled within `ms`: what "does not hang the agent" means here. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describeWithRedis('a Redis that takes commands and never answers', () => {
  it('fails each decision closed at the timeout, and decides correctly again once the server answers', async () => {
    const hanging = await HangingServer.start();
    const reported: Error[] = [];
    const store = storeForThisTest({ url: hanging.url, prefix: uniquePrefix(), timeoutMs: 300, onError: (error) => reported.push(error) });
    const guard = createGuard({ tools: TOOLS, store });
    guard.on('error', () => undefined);
    const session = await guard.startSession({ sessionId: 'hung' });
    expect((await session.message('user', 'order ord_12')).flags).toEqual([]);
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_12' } })).action).toBe('allow');

    hanging.hung = true;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const decision = await within(20_000, session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_12' } }));
      expect(decision).toMatchObject({ action: 'block', proceed: false });
      expect(decision.flags.map((flag) => flag.code)).toEqual(['GUARD_ERROR']);
      expect((await within(20_000, session.beforeModelCall({ model: 'm', estimatedInputTokens: 5 }))).proceed).toBe(false);
    }
    // A session started while the server is hung fails closed too, and never hangs.
    const blank = await within(20_000, guard.startSession({ sessionId: 'hung-new' }));
    expect(blank.startDecision.proceed).toBe(false);

    // The CLI gives up too (spawnSync blocks this process, so only a hung server can be its peer here).
    const cli = warden('sessions', '--redis', hanging.url);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('did not answer');

    hanging.hung = false;
    let decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_12' } });
    for (let attempt = 0; decision.action !== 'allow' && attempt < 100; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      decision = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_12' } });
    }
    expect(decision.flags).toEqual([]);
    // The answers are this decision's own, not replies to commands sent while the server was hung.
    const invented = await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_99' } });
    expect(invented.flags.map((flag) => flag.code)).toContain('ENTITY_HALLUCINATION');
    expect((await session.message('user', 'and ord_13')).flags).toEqual([]);
    expect((await session.beforeToolCall({ tool: 'get_order', arguments: { order_id: 'ord_13' } })).action).toBe('allow');
    const admission = await session.beforeModelCall({ model: 'm', estimatedInputTokens: 5 });
    expect(admission.proceed).toBe(true);
    expect((await session.modelCall({ model: 'm', inputTokens: 4, reservationId: admission.reservationId })).flags).toEqual([]);
    // Only the live connection reports: a dropped one's commands, failed as it closed, are not Redis failing again.
    expect(reported.filter((error) => (error.cause as Error | undefined)?.constructor?.name === 'DisconnectsClientError')).toEqual([]);
    const listed = await store.listSessions();
    expect(listed.find((summary) => summary.sessionId === 'hung')).toMatchObject({ tokensSpent: 4, tokensReserved: 0, steps: session.step });
  }, 120_000);
});
