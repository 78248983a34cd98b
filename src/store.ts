import { LRUCache } from 'lru-cache';
import type { GuardSession } from './session.js';
import type { LimitsPolicy } from './policy/policy.js';
import type { SessionLog } from './state/session-log.js';

/** Where a guard keeps its sessions. The default is in memory, bounded in count and age. */
export interface SessionStore {
  get(sessionId: string): GuardSession | undefined;
  set(sessionId: string, session: GuardSession): void;
  delete(sessionId: string): void;
  /** A shared store (Redis) gives each session its log there; sessions then replay and append to it. */
  log?(sessionId: string): SessionLog;
}

/** The default session store: in memory, bounded by `maxSessions` (least recently used go first) and `sessionTtlMs`. */
export function createMemoryStore(limits: Pick<LimitsPolicy, 'maxSessions' | 'sessionTtlMs'>): SessionStore {
  const sessions = new LRUCache<string, GuardSession>({ max: limits.maxSessions, ttl: limits.sessionTtlMs, updateAgeOnGet: true });
  return {
    get: (sessionId) => sessions.get(sessionId),
    set: (sessionId, session) => void sessions.set(sessionId, session),
    delete: (sessionId) => void sessions.delete(sessionId),
  };
}
