/**
 * A Redis failure as the store reports it: what it asked for and under which key prefix, with Redis's own
 * error kept as the cause. Never the URL: it may hold the password.
 */
export function redisError(operation: string, prefix: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Redis ${operation} under key prefix ${prefix} failed: ${reason}`, { cause });
}

/**
 * The session's keys vanished (expired, flushed, evicted) after this replica used them, or some of them are
 * missing (evicted or deleted, its meta kept): `lost` tells the guard (see `SessionLog`) to refuse the call
 * instead of deciding it on a blank or partial session.
 */
export class SessionLostError extends Error {
  readonly lost = true;
  constructor(operation: string, prefix: string) {
    super(`Redis ${operation} under key prefix ${prefix}: the session's keys are gone, or some of them are (expired, flushed or evicted)`);
    this.name = 'SessionLostError';
  }
}
