import { listSessions, withRedis, type SessionSummary } from '../../adapters/redis/index.js';
import { CommandFailure, UsageError } from './options.js';

export interface RedisCommandOptions {
  redis?: string;
  prefix?: string;
}

/** The Redis URL of a command: `--redis`, else `REDIS_URL`. */
export function redisUrl(options: RedisCommandOptions): string {
  const url = options.redis ?? process.env.REDIS_URL;
  if (!url) throw new UsageError('give the Redis URL with --redis URL (or REDIS_URL)');
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--redis takes a redis:// or rediss:// URL, got "${url}"`);
  return url;
}

/** Runs one Redis operation for a command; an unreachable Redis is a clear failure, exit status 1. */
export async function onRedis<T>(options: RedisCommandOptions, run: Parameters<typeof withRedis<T>>[1]): Promise<T> {
  const url = redisUrl(options);
  try {
    return await withRedis(url, run);
  } catch (error) {
    throw new CommandFailure(`Redis at ${url} did not answer: ${(error as Error).message}`, 1);
  }
}

function cell(summary: SessionSummary): string[] {
  const flag = summary.lastFlag ? `${summary.lastFlag.code}@${summary.lastFlag.step}` : '-';
  const status = summary.pendingEscalations.length > 0 ? `${summary.status} (${summary.pendingEscalations.length} awaiting approval)` : summary.status;
  return [summary.sessionId, status, String(summary.steps), String(summary.tokensSpent), `$${summary.costUsd.toFixed(4)}`, flag, summary.updatedAt ?? '-'];
}

/** `warden sessions --redis URL [--prefix P] [--json]`: live sessions, most recently active first. */
export async function runSessions(options: RedisCommandOptions & { json?: boolean }): Promise<number> {
  const prefix = options.prefix ?? 'warden:';
  const sessions = await onRedis(options, (client) => listSessions(client, prefix));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    process.stdout.write(`no live sessions under prefix ${prefix}\n`);
    return 0;
  }
  const rows = [['SESSION', 'STATUS', 'STEPS', 'TOKENS', 'COST', 'LAST FLAG', 'UPDATED'], ...sessions.map(cell)];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
  return 0;
}
