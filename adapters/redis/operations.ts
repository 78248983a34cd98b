import { SCRIPTS } from './scripts.js';
import { ESCALATION_FIELD, parseHalted, runScript, type HaltRecord, type PendingEscalation, type RedisCommands } from './redis-log.js';
import { hashTag, indexKey, sessionIdOfTag, sessionKeys } from './session-keys.js';
import type { SessionStatus } from '../../src/index.js';

/** Sessions listed at most in one page, newest activity first: a listing stays bounded however many there are. */
const MAX_LISTED = 1_000;

/**
 * Which sessions a listing shows, by rank of last activity (0 is the most recently active). Ranks move
 * as sessions become active or expire, so pages read one after the other over a live index may repeat or
 * miss a session that moved between them.
 */
export interface SessionPage {
  /** Sessions skipped from the newest. Default 0. */
  offset?: number;
  /** Sessions shown, 1 to 1,000. Default 1,000. */
  limit?: number;
}

function pageBounds(page: SessionPage): { offset: number; limit: number } {
  const offset = page.offset ?? 0;
  const limit = page.limit ?? MAX_LISTED;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`listSessions: offset must be a whole number from 0, got ${offset}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LISTED) throw new RangeError(`listSessions: limit must be a whole number from 1 to ${MAX_LISTED}, got ${limit}`);
  return { offset, limit };
}

/** A live session as `warden sessions` shows it. */
export interface SessionSummary {
  sessionId: string;
  status: SessionStatus;
  /** The session's step counter: the last trace step it holds. */
  steps: number;
  tokensSpent: number;
  tokensReserved: number;
  costUsd: number;
  lastFlag?: { code: string; step: number };
  haltedBy?: HaltRecord;
  /** Entries the session's bounded log dropped (`maxLogEvents`, `maxLogBytes`), oldest first, and their bytes. */
  droppedLogEntries: number;
  droppedLogBytes: number;
  /** Pauses a process has put to a human and is still waiting on. */
  pendingEscalations: PendingEscalation[];
  updatedAt?: string;
  /** Some of the session's keys are missing (evicted or deleted): every process refuses its calls (GUARD_ERROR, lost). */
  lost?: true;
}

export interface HaltResult {
  /** Whether the store holds the session at all (an unknown or expired id changes nothing). */
  found: boolean;
  status?: SessionStatus;
  previous?: SessionStatus;
  /** Some of the session's keys are missing (evicted or deleted): the change is made, and its replicas refuse its calls anyway (GUARD_ERROR, lost). */
  lost?: true;
}

function summary(sessionId: string, meta: Record<string, string>): SessionSummary {
  const found: SessionSummary = {
    sessionId,
    status: (meta.status ?? 'active') as SessionStatus,
    steps: Number(meta.lastStep ?? 0),
    tokensSpent: Number(meta.spentTokens ?? 0),
    tokensReserved: Number(meta.reservedTokens ?? 0),
    costUsd: Number(meta.spentNano ?? 0) / 1e9,
    droppedLogEntries: Number(meta.droppedEntries ?? 0),
    droppedLogBytes: Number(meta.droppedBytes ?? 0),
    pendingEscalations: [],
  };
  const now = Date.now();
  for (const [field, value] of Object.entries(meta)) {
    if (!field.startsWith(ESCALATION_FIELD)) continue;
    try {
      const pending = JSON.parse(value) as PendingEscalation;
      // A question whose process died is past its deadline: not pending any more.
      if (typeof pending.step === 'number' && pending.until > now) found.pendingEscalations.push(pending);
    } catch {
      // A foreign value in our key: listed without it.
    }
  }
  if (meta.lastFlag) {
    try {
      found.lastFlag = JSON.parse(meta.lastFlag) as { code: string; step: number };
    } catch {
      // A foreign value in our key: listed without it.
    }
  }
  const haltedBy = parseHalted(meta.halted);
  if (haltedBy) found.haltedBy = haltedBy;
  if (meta.updated) found.updatedAt = new Date(Number(meta.updated)).toISOString();
  return found;
}

/**
 * The live sessions under `prefix`, newest activity first: by default the 1,000 most recently active, or
 * the page `{ offset, limit }` of them (`countSessions` says how many there are in all). Sessions whose keys
 * expired are dropped from the index as they are found, so they are not listed: a page may be shorter
 * than `limit` before the end of the index.
 */
export async function listSessions(client: RedisCommands, prefix: string, page: SessionPage = {}): Promise<SessionSummary[]> {
  const { offset, limit } = pageBounds(page);
  const index = indexKey(prefix);
  // By rank from the newest: Redis answers with at most `limit` members however many the index holds.
  const tags = await client.zRange(index, offset, offset + limit - 1, { REV: true });
  const ids = tags.map(sessionIdOfTag);
  // One script per session: its meta, and whether its other keys are as the meta records them, read at one instant.
  const replies = await Promise.all(ids.map((id) => runScript(client, SCRIPTS.summary, sessionKeys(prefix, id), [])));
  const metas = replies.map((reply) => {
    const meta: Record<string, string> = {};
    for (let field = 1; field + 1 < reply.length; field += 2) meta[String(reply[field])] = String(reply[field + 1]);
    return meta;
  });
  const gone = tags.filter((_, position) => Object.keys(metas[position]!).length === 0);
  if (gone.length > 0) await client.zRem(index, gone);
  return ids.flatMap((id, position) => {
    if (Object.keys(metas[position]!).length === 0) return [];
    const found = summary(id, metas[position]!);
    if (Number(replies[position]![0]) === 0) found.lost = true;
    return [found];
  });
}

/**
 * How many sessions the index under `prefix` holds: those active within the store's `ttlMs` at their last
 * write (one whose keys expired since is counted until a listing or a write prunes it). One O(1) command.
 */
export async function countSessions(client: RedisCommands, prefix: string): Promise<number> {
  return Number(await client.zCard(indexKey(prefix)));
}

async function changeStatus(client: RedisCommands, prefix: string, sessionId: string, change: 'kill' | 'pause' | 'resume', reason: string): Promise<HaltResult> {
  const keys = sessionKeys(prefix, sessionId);
  const meta = await client.hGetAll(keys[0]!);
  if (Object.keys(meta).length === 0) return { found: false };
  const halted: HaltRecord = { step: Number(meta.lastStep ?? 0), codes: [reason] };
  const reply = await runScript(client, SCRIPTS.status, keys, [change, JSON.stringify(halted), '', '1']);
  if (Number(reply[0]) !== 1) return { found: false };
  const result: HaltResult = { found: true, status: String(reply[1]) as SessionStatus, previous: String(reply[3]) as SessionStatus };
  if (Number(reply[5]) === 0) result.lost = true;
  return result;
}

/** Kills a session in every process: each refuses its next call. A killed session stays killed. */
export function killSession(client: RedisCommands, prefix: string, sessionId: string, reason = 'killed by operator'): Promise<HaltResult> {
  return changeStatus(client, prefix, sessionId, 'kill', reason);
}

/** Pauses a session in every process until someone resumes it. */
export function pauseSession(client: RedisCommands, prefix: string, sessionId: string, reason = 'paused by operator'): Promise<HaltResult> {
  return changeStatus(client, prefix, sessionId, 'pause', reason);
}

/** Lifts a pause in every process; a killed session stays killed. */
export function resumeSession(client: RedisCommands, prefix: string, sessionId: string): Promise<HaltResult> {
  return changeStatus(client, prefix, sessionId, 'resume', 'resumed by operator');
}

export interface ForgetResult {
  /** Whether any of the session's keys existed. */
  found: boolean;
  /** Whether its keys were deleted: refused for a whole or a killed session unless `force`. */
  forgotten: boolean;
  /** What it was: its status, and `lost` when some of its keys were missing. */
  status?: SessionStatus;
  lost?: true;
}

/**
 * Deletes a lost session's keys (some evicted or deleted: every process refuses it as lost until they expire) so
 * its id can start afresh. A whole session, or a killed one, is kept unless `force`: its log is the session's trace,
 * and a kill is meant to hold. Processes still holding the forgotten session keep refusing it as lost (its
 * incarnation is gone); one that starts the id after this starts a new session.
 */
export async function forgetSession(client: RedisCommands, prefix: string, sessionId: string, options: { force?: boolean } = {}): Promise<ForgetResult> {
  const reply = await runScript(client, SCRIPTS.forget, sessionKeys(prefix, sessionId), [options.force === true ? '1' : '']);
  if (Number(reply[0]) !== 1) return { found: false, forgotten: false };
  const result: ForgetResult = { found: true, forgotten: Number(reply[3]) === 1, status: String(reply[2]) as SessionStatus };
  if (Number(reply[1]) === 0) result.lost = true;
  // The listing index is another key (another cluster slot): pruned after, as a listing prunes sessions it finds gone.
  if (result.forgotten) await client.zRem(indexKey(prefix), [hashTag(sessionId)]);
  return result;
}
