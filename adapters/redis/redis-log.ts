import type { SessionLog, SessionStatus } from '../../src/index.js';

// The contract a shared store implements (`SessionLog`, in the core), its parts named for this file.
type AppendRequest = Parameters<SessionLog['append']>[0];
type AppendResult = Awaited<ReturnType<SessionLog['append']>>;
type ReserveRequest = Parameters<SessionLog['reserve']>[0];
type ReserveResult = Awaited<ReturnType<SessionLog['reserve']>>;
export type SharedStatus = Awaited<ReturnType<SessionLog['setStatus']>>;
export type HaltRecord = NonNullable<SharedStatus['haltedBy']>;
export type PendingEscalation = Parameters<SessionLog['openEscalation']>[0];
type LogRead = Omit<Extract<AppendResult, { ok: false }>, 'ok'>;
type SharedLogEntry = AppendRequest['entry'];
type LogEntry = NonNullable<LogRead['start']>;
import { SCRIPTS, type LuaScript } from './scripts.js';
import { sessionKeys } from './session-keys.js';
import { redisError, SessionLostError } from './redis-error.js';
import { randomUUID } from 'node:crypto';

/** The few node-redis commands the store uses: a client made by `createClient`, or one of yours. */
export interface RedisCommands {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
  zAdd(key: string, member: { score: number; value: string }): Promise<unknown>;
  zRange(key: string, start: number, stop: number, options: { REV: true }): Promise<string[]>;
  zCard(key: string): Promise<number>;
  zRem(key: string, members: string[]): Promise<unknown>;
  zRemRangeByScore(key: string, min: number | string, max: number | string): Promise<unknown>;
  pExpire(key: string, ms: number): Promise<unknown>;
  hSet(key: string, field: string, value: string): Promise<unknown>;
  hDel(key: string, field: string): Promise<unknown>;
}

/** The meta field of an open question to a human, by its id (several may be open at one step), for the listing. */
export const ESCALATION_FIELD = 'escalation:';

/**
 * Fails after `ms` if Redis has not answered: node-redis times out only commands not yet written, so a
 * server that takes a command and stalls would otherwise hold the decision forever.
 */
export function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Runs a script by its hash, sending the source only when the server does not have it (after a restart). */
export async function runScript(client: RedisCommands, script: LuaScript, keys: string[], args: string[]): Promise<unknown[]> {
  try {
    return (await client.evalSha(script.sha, { keys, arguments: args })) as unknown[];
  } catch (error) {
    if (!String((error as Error)?.message ?? '').startsWith('NOSCRIPT')) throw error;
    return (await client.eval(script.source, { keys, arguments: args })) as unknown[];
  }
}

export function parseHalted(text: unknown): HaltRecord | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const value = JSON.parse(text) as HaltRecord;
    return typeof value?.step === 'number' && Array.isArray(value.codes) ? { step: value.step, codes: value.codes.map(String) } : undefined;
  } catch {
    return undefined;
  }
}

function status(value: unknown, halted: unknown, escalating?: unknown): SharedStatus {
  const shared: SharedStatus = { status: String(value || 'active') as SessionStatus };
  const haltedBy = parseHalted(halted);
  if (haltedBy) shared.haltedBy = haltedBy;
  if (escalating !== undefined) shared.escalating = Number(escalating);
  return shared;
}

/** An integer the scripts can add exactly: tokens and nano-dollars, rounded up, never negative. */
function count(value: number): string {
  const rounded = Math.ceil(value);
  // Not a RangeError: the decision fails closed with this message instead of throwing into the agent loop.
  if (!Number.isSafeInteger(rounded) || rounded < 0) throw new TypeError(`budget amount ${value} is not a non-negative safe integer`);
  return String(rounded);
}

function readReply(reply: unknown[], offset: number): LogRead {
  // The seventh field, the incarnation, is learned by the caller.
  const [seq, state, halted, escalating, rebuild, start] = reply.slice(offset, offset + 6);
  const entries = reply.slice(offset + 7).map((text) => JSON.parse(String(text)) as SharedLogEntry);
  const read: LogRead = { seq: Number(seq), entries, rebuild: Number(rebuild) === 1, ...status(state, halted, escalating) };
  if (typeof start === 'string' && start !== '') read.start = JSON.parse(start) as LogEntry;
  return read;
}

export interface RedisLogOptions {
  prefix: string;
  ttlMs: number;
  reservationTtlMs: number;
  maxLogEvents: number;
  maxLogBytes: number;
  /** A script Redis has not answered by then fails (its outcome is learned at the next append). */
  timeoutMs: number;
  /** Called after an append, to keep the session in the listing index. */
  touched?: (sessionId: string) => void;
}

/** One session's shared log, budget and status in Redis: every method is one script, one round trip. */
export function redisSessionLog(client: RedisCommands, sessionId: string, options: RedisLogOptions): SessionLog {
  const keys = sessionKeys(options.prefix, sessionId);
  const ttl = String(options.ttlMs);
  // The session's incarnation as this replica knows it ('' until it has seen the session in Redis), and
  // the one it names the session by if its write is the session's first.
  let known = '';
  const proposed = randomUUID();
  const learn = (incarnation: unknown) => {
    if (typeof incarnation === 'string' && incarnation !== '') known = incarnation;
  };
  const run = async (operation: string, script: LuaScript, args: string[]): Promise<unknown[]> => {
    const reply = await deadline(runScript(client, script, keys, args), options.timeoutMs).catch((error: unknown) => {
      throw redisError(operation, options.prefix, error);
    });
    if (reply[0] === 'lost') throw new SessionLostError(operation, options.prefix);
    return reply;
  };
  // A question stays open a while past its asker's deadline, for the asker's own answer to arrive; then it no longer holds the session.
  const expiry = (pending: PendingEscalation) => String(pending.until + 2 * options.timeoutMs);
  return {
    async append(request: AppendRequest): Promise<AppendResult> {
      const { entry, charge, halt } = request;
      const isStart = 'event' in entry && entry.event.type === 'session.start' && request.seen === 0;
      const reply = await run('append', SCRIPTS.append, [
        String(request.seen),
        request.status,
        JSON.stringify(entry),
        ttl,
        String(options.maxLogEvents),
        count(charge?.tokens ?? 0),
        count(charge?.costNano ?? 0),
        charge?.reservationId ?? '',
        halt?.status ?? '',
        halt?.haltedBy ? JSON.stringify(halt.haltedBy) : '',
        isStart ? '1' : '0',
        request.lastFlag ? JSON.stringify(request.lastFlag) : '',
        String(entry.lastStep),
        request.escalating ? '1' : '0',
        request.escalation?.id ?? '',
        request.escalation ? JSON.stringify(request.escalation) : '',
        request.escalation ? expiry(request.escalation) : '',
        known,
        proposed,
        String(options.maxLogBytes),
      ]);
      if (Number(reply[0]) !== 1) {
        learn(reply[7]);
        return { ok: false, ...readReply(reply, 1) };
      }
      learn(reply[5]);
      options.touched?.(sessionId);
      return { ok: true, seq: Number(reply[1]), ...status(reply[2], reply[3], reply[4]) };
    },
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const reply = await run('reserve', SCRIPTS.reserve, [
        request.id,
        count(request.tokens),
        count(request.costNano),
        request.maxTokens === undefined ? '' : String(request.maxTokens),
        request.maxCostNano === undefined ? '' : String(request.maxCostNano),
        String(options.reservationTtlMs),
        ttl,
        request.force ? '1' : '0',
        known,
        proposed,
      ]);
      learn(reply[7]);
      const outcome = Number(reply[0]);
      const shared = status(reply[1], reply[2]);
      if (outcome === -1) return { outcome: 'halted', ...shared };
      if (outcome === -2) return { outcome: 'escalating', ...shared };
      const [spentTokens, reservedTokens, spentNano, reservedNano] = reply.slice(3, 7).map(Number) as [number, number, number, number];
      return { outcome: outcome === 1 ? 'reserved' : 'over', spentTokens, reservedTokens, spentNano, reservedNano, ...shared };
    },
    async release(reservationId) {
      await run('release', SCRIPTS.release, [reservationId]);
    },
    async openEscalation(pending) {
      const reply = await run('escalation open', SCRIPTS.escalation, ['open', pending.id, JSON.stringify(pending), expiry(pending), '', '', ttl, known]);
      return status(reply[0], reply[1], reply[2]);
    },
    async closeEscalation(id, halt) {
      const reply = await run('escalation close', SCRIPTS.escalation, ['close', id, '', '', halt?.status ?? '', halt ? JSON.stringify(halt.haltedBy) : '', ttl, known]);
      return status(reply[0], reply[1], reply[2]);
    },
    async status() {
      const reply = await run('status read', SCRIPTS.status, ['read', '', '', '0', known]);
      return status(reply[1], reply[2], reply[4]);
    },
    async setStatus(change, haltedBy) {
      const reply = await run(`status ${change}`, SCRIPTS.status, [change, haltedBy ? JSON.stringify(haltedBy) : '', ttl, '0', known]);
      return status(reply[1], reply[2], reply[4]);
    },
  };
}
