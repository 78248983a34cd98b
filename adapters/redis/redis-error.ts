/**
 * A Redis failure as the store reports it: what it asked for and under which key prefix, with Redis's own
 * error kept as the cause. Never the URL: it may hold the password.
 */
export function redisError(operation: string, prefix: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Redis ${operation} under key prefix ${prefix} failed: ${reason}`, { cause });
}
