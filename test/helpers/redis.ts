import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, onTestFinished } from 'vitest';
import { createClient } from 'redis';
import { createRedisStore, type RedisSessionStore, type RedisStoreOptions } from '../../adapters/redis/index.js';
import { redisAnswers as answers } from '../../adapters/redis/ping.js';
import { sessionKey, type SessionKeyPart } from '../../adapters/redis/session-keys.js';

/** The Redis the tests use: REDIS_URL, else the one every session and CI run starts. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisAnswers = await answers(REDIS_URL);
if (!redisAnswers) {
  if (process.env.CI) throw new Error(`Redis at ${REDIS_URL} does not answer, and CI requires the Redis tests to run`);
  console.warn(`Redis tests skipped: nothing answers at ${REDIS_URL} (start redis-server or set REDIS_URL)`);
}

/** A describe block that needs Redis: skipped (with the line above) when none answers, never in CI. */
export function describeWithRedis(name: string, body: () => void): void {
  describe.skipIf(!redisAnswers)(name, body);
}

/** A key prefix of this test run alone: tests never touch other keys on the shared Redis. */
export function uniquePrefix(): string {
  return `warden-test:${randomUUID().slice(0, 8)}:`;
}

function makeClient(url: string) {
  return createClient({ url });
}
export type TestClient = ReturnType<typeof makeClient>;

export async function testClient(url = REDIS_URL): Promise<TestClient> {
  const client = makeClient(url);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Deletes this run's keys (by prefix, never FLUSHDB: the server is shared). */
export async function deletePrefix(client: TestClient, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await client.unlink(keys);
}

const WORKER = fileURLToPath(new URL('../fixtures/redis-session-worker.mjs', import.meta.url));

/** A separate Node process with its own guard and Redis store, driven by JSON-line commands. */
export class ReplicaProcess {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(config: Record<string, unknown>, url = REDIS_URL) {
    this.child = spawn(process.execPath, [WORKER], { env: { ...process.env, REDIS_URL: url, WORKER_CONFIG: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.waiting.set(0, { resolve: () => undefined, reject: () => undefined });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const reply = JSON.parse(line) as { id: number; ok: boolean; value?: unknown; error?: string };
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(reply.error));
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`replica exited (${code}): ${this.stderr}`));
      resolve(code);
    }));
  }

  send<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Closes stdin: the replica closes its store and exits. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** How long a session's keys live in the tests: longer than any test, so nothing expires under it. */
const TEST_TTL_MS = 600_000;

/** The shared Redis as the tests of one describe block use it: everything on a key prefix of their own. */
export interface SharedRedis {
  readonly prefix: string;
  /** A client for looking at the keys, connected before the block's tests. */
  readonly client: TestClient;
  /** A key of a session under the prefix (`meta`, `log`, ...), as the store names it. */
  key(sessionId: string, part: SessionKeyPart): string;
  /** Waits until the session's stored status is `status`: a halt written by one replica lands in Redis asynchronously. */
  untilStatus(sessionId: string, status: string): Promise<void>;
  /** A store on the prefix; closed after the block. */
  store(options?: RedisStoreOptions): RedisSessionStore;
  /** A replica process on the prefix; killed after the block if it is still running. */
  replica(config: Record<string, unknown>): ReplicaProcess;
}

/**
 * Registers the set-up and teardown of a describe block on the shared Redis: a client connected before its
 * tests; after them, every replica killed, every store closed and every key of the block's prefix deleted.
 * Call it in the block's body.
 */
export function useSharedRedis(): SharedRedis {
  const prefix = uniquePrefix();
  const stores: RedisSessionStore[] = [];
  const replicas: ReplicaProcess[] = [];
  let connected: TestClient | undefined;
  beforeAll(async () => {
    connected = await testClient();
  }, 30_000);
  afterAll(async () => {
    for (const replica of replicas) replica.kill();
    await Promise.all(stores.map((store) => store.close()));
    if (!connected) return;
    await deletePrefix(connected, prefix);
    connected.destroy();
  }, 30_000);
  const client = () => {
    if (!connected) throw new Error('the shared Redis client connects in beforeAll: use it inside a test');
    return connected;
  };
  const key = (sessionId: string, part: SessionKeyPart) => sessionKey(prefix, sessionId, part);
  return {
    prefix,
    get client() {
      return client();
    },
    key,
    untilStatus: (sessionId, status) => eventually(async () => (await client().hGet(key(sessionId, 'meta'), 'status')) === status),
    store(options = {}) {
      const store = createRedisStore({ url: REDIS_URL, prefix, ttlMs: TEST_TTL_MS, ...options });
      stores.push(store);
      return store;
    },
    replica(config) {
      const replica = new ReplicaProcess({ prefix, ttlMs: TEST_TTL_MS, ...config });
      replicas.push(replica);
      return replica;
    },
  };
}

/** A free TCP port on localhost, for a redis-server of a test's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server child of this test on its own port; stopping it never touches the shared one. */
export class OwnRedisServer {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...this.extraArgs], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (await answers(this.url)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A redis-server of this test's own on a free port, started; stopped when the test finishes, pass or fail. */
export async function ownRedisServer(extraArgs: string[] = []): Promise<OwnRedisServer> {
  const server = new OwnRedisServer(await freePort(), extraArgs);
  onTestFinished(() => server.stop());
  await server.start();
  return server;
}

/** A client of `url` for this test alone, destroyed when the test finishes (before the server it was opened on stops). */
export async function clientForThisTest(url = REDIS_URL): Promise<TestClient> {
  const client = await testClient(url);
  onTestFinished(() => client.destroy());
  return client;
}

/** A store of this test alone (on a server of its own, say), closed when the test finishes. */
export function storeForThisTest(options: RedisStoreOptions): RedisSessionStore {
  const store = createRedisStore(options);
  onTestFinished(() => store.close());
  return store;
}

/** Polls `probe` until it holds, for at most `limitMs` (generous: these machines are shared). */
export async function eventually(probe: () => Promise<boolean>, limitMs = 30_000, everyMs = 100): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met within ${limitMs} ms`);
}
