/**
 * `agent-warden/redis`: sessions shared by every process on one Redis (or Valkey, or a cluster).
 * @example
 * import { createGuard } from 'agent-warden';
 * import { createRedisStore } from 'agent-warden/redis';
 * const guard = createGuard({ tools, policy, store: createRedisStore({ url: 'redis://127.0.0.1:6379' }) });
 * const session = await guard.startSession({ sessionId: 'S' }); // joins S if another process started it
 */
import { LRUCache } from 'lru-cache';
import { DEFAULT_POLICY, type GuardSession, type SessionStore } from '../../src/index.js';
import { deadline, redisSessionLog, type RedisCommands } from './redis-log.js';
import { hashTag, indexKey } from './session-keys.js';
import { redisError } from './redis-error.js';
import { connectRedis, watchedConnection } from './connection.js';
import { watchedCallerClient } from './caller-client.js';
import { countSessions, forgetSession, killSession, listSessions, pauseSession, resumeSession, type ForgetResult, type HaltResult, type SessionPage, type SessionSummary } from './operations.js';

export type { RedisCommands } from './redis-log.js';
export type { SessionSummary, SessionPage, HaltResult, ForgetResult } from './operations.js';

export interface RedisStoreOptions {
  /** Where Redis is; ignored when `client` is given. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * A node-redis client of your own (connected by you, closed by you: the store never closes or reopens it).
   * Its commands are bounded by `timeoutMs` like the store's own; a connection that stops answering is
   * reported through `onError` once per stall, and is yours to drop.
   */
  client?: RedisCommands;
  /** Prepended to every key; one prefix is one namespace of sessions. Default `warden:`. */
  prefix?: string;
  /** A session's keys expire after this long without activity. Default: the memory store's 24 h. */
  ttlMs?: number;
  /** A reservation a process never reconciled (it crashed) is released after this long. Default 10 min. */
  reservationTtlMs?: number;
  /** A decision or operation Redis has not answered by then fails closed (your own `client` included). Default 2,000 ms. */
  timeoutMs?: number;
  /**
   * Entries a session's log keeps. A process that joins after older entries were dropped rebuilds from the
   * session start and the entries kept. Default 10,000.
   */
  maxLogEvents?: number;
  /**
   * Bytes of entries (their JSON) a session's log keeps, the newest entry always; older ones are dropped
   * first, counted in the listing (`droppedLogEntries`, `droppedLogBytes`). Default 16 MiB.
   */
  maxLogBytes?: number;
  /** Replicas this process keeps in memory (an evicted one is rebuilt from the log). Default 10,000. */
  maxLocalSessions?: number;
  /**
   * Connection errors of a client the store made (it reconnects by itself); with your own `client`, a
   * command it left unanswered past `timeoutMs` (once per stall, until every late command has settled).
   */
  onError?: (error: Error) => void;
}

/** A session store on Redis, plus the operations the `warden` CLI runs. */
export interface RedisSessionStore extends SessionStore {
  /** The commands the store sends: its own watched connection, or your `client` behind a watch bounding each by `timeoutMs`. */
  readonly client: RedisCommands;
  readonly prefix: string;
  /** The 1,000 most recently active sessions, newest first; or the page `{ offset, limit }` (limit at most 1,000) of them. */
  listSessions(page?: SessionPage): Promise<SessionSummary[]>;
  /** How many sessions the listing index holds in all. */
  countSessions(): Promise<number>;
  kill(sessionId: string, reason?: string): Promise<HaltResult>;
  pause(sessionId: string, reason?: string): Promise<HaltResult>;
  resume(sessionId: string): Promise<HaltResult>;
  /**
   * Deletes a lost session's keys so its id can start afresh (see `forgetSession`); a whole or killed session only
   * with `force`. This process lets its own replica of the session go too.
   */
  forget(sessionId: string, options?: { force?: boolean }): Promise<ForgetResult>;
  /** Closes the client if the store made it. */
  close(): Promise<void>;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`createRedisStore: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Sessions shared across processes: each decision is made on a local replica of the session and
 * appended to the session's log in Redis only if no other process appended first (one round trip);
 * budgets are reserved and reconciled by Lua scripts in integer units; kill, pause and resume live in
 * Redis, so every process honours them at its next call.
 */
export function createRedisStore(options: RedisStoreOptions = {}): RedisSessionStore {
  const prefix = options.prefix ?? 'warden:';
  if (/[{}]/.test(prefix)) throw new RangeError('createRedisStore: prefix may not contain { or }: the session id is the hash tag');
  const ttlMs = positive('ttlMs', options.ttlMs, DEFAULT_POLICY.limits.sessionTtlMs);
  const reservationTtlMs = positive('reservationTtlMs', options.reservationTtlMs, 600_000);
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 2_000);
  const maxLogEvents = positive('maxLogEvents', options.maxLogEvents, 10_000);
  const maxLogBytes = positive('maxLogBytes', options.maxLogBytes, 16 * 1024 * 1024);
  const maxLocalSessions = positive('maxLocalSessions', options.maxLocalSessions, DEFAULT_POLICY.limits.maxSessions);
  const onError = options.onError;
  const reportConnection = onError && ((error: Error) => onError(redisError('connection', prefix, error)));
  const owned = options.client ? undefined : watchedConnection(options.url ?? DEFAULT_URL, timeoutMs, reportConnection);
  const client = options.client ? watchedCallerClient(options.client, timeoutMs, reportConnection) : owned!.commands;
  const replicas = new LRUCache<string, GuardSession>({ max: maxLocalSessions, ttl: ttlMs, updateAgeOnGet: true });
  const index = indexKey(prefix);
  const lastTouched = new LRUCache<string, number>({ max: maxLocalSessions });
  const touchEveryMs = Math.min(ttlMs / 4, 60_000);
  const touched = (sessionId: string) => {
    const now = Date.now();
    if (now - (lastTouched.get(sessionId) ?? 0) < touchEveryMs) return;
    lastTouched.set(sessionId, now);
    // Sent alongside the decision, not before it: the listing index is not on the decision's path.
    Promise.all([client.zAdd(index, { score: now, value: hashTag(sessionId) }), client.zRemRangeByScore(index, '-inf', now - ttlMs), client.pExpire(index, ttlMs)]).catch((error: unknown) => onError?.(redisError('index update', prefix, error)));
  };
  const logOptions = { prefix, ttlMs, reservationTtlMs, maxLogEvents, maxLogBytes, timeoutMs, touched };
  return {
    client,
    prefix,
    get: (sessionId) => replicas.get(sessionId),
    set: (sessionId, session) => void replicas.set(sessionId, session),
    delete: (sessionId) => void replicas.delete(sessionId),
    log: (sessionId) => {
      if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 512) throw new RangeError('a shared session id is a string of 1 to 512 characters');
      return redisSessionLog(client, sessionId, logOptions);
    },
    listSessions: (page) => listSessions(client, prefix, page),
    countSessions: () => countSessions(client, prefix),
    kill: (sessionId, reason) => killSession(client, prefix, sessionId, reason),
    pause: (sessionId, reason) => pauseSession(client, prefix, sessionId, reason),
    resume: (sessionId) => resumeSession(client, prefix, sessionId),
    async forget(sessionId, forgetOptions) {
      const result = await forgetSession(client, prefix, sessionId, forgetOptions);
      if (result.forgotten) {
        replicas.delete(sessionId);
        lastTouched.delete(sessionId);
      }
      return result;
    },
    async close() {
      replicas.clear();
      await owned?.close();
    },
  };
}

/** Opens a client for one operation, runs it, and closes the client. For scripts and the CLI. */
export async function withRedis<T>(url: string, run: (client: RedisCommands) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const errors: Error[] = [];
  const { raw, commands } = connectRedis(url, timeoutMs, timeoutMs, (error) => errors.push(error));
  try {
    // The whole operation, however many commands it sends, is bounded too.
    return await deadline(run(commands), timeoutMs * 5);
  } catch (error) {
    throw errors.length > 0 && !(error instanceof RangeError) ? new Error(`${(error as Error).message} (${errors[errors.length - 1]!.message})`) : error;
  } finally {
    raw.destroy();
  }
}

export { killSession, pauseSession, resumeSession, listSessions, countSessions, forgetSession };
