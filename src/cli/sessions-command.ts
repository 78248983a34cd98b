import type { Command, OptionSpec, OptionValues } from './command.js';
import { CommandFailure, stringOption, UsageError } from './options.js';
import type { RedisCommands, SessionSummary } from '../../adapters/redis/index.js';
import { maskSecrets } from '../trace/redact.js';
import { jsonForTerminal, safeMessage } from './safe-message.js';

/** The options every shared-session command takes. */
export const REDIS_OPTIONS: Record<string, OptionSpec> = {
  redis: { type: 'string', arg: 'URL', help: 'the Redis the sessions live on (default: REDIS_URL)' },
  prefix: { type: 'string', arg: 'P', help: "the key prefix the guards' stores use (default: warden:)" },
};

/** The Redis URL of a command: `--redis`, else `REDIS_URL`. */
export function redisUrl(values: OptionValues): string {
  const url = stringOption(values.redis) ?? process.env.REDIS_URL;
  if (!url) throw new UsageError('give the Redis URL with --redis URL (or REDIS_URL)');
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--redis takes a redis:// or rediss:// URL, got "${maskSecrets(url)}"`);
  return url;
}

/** Runs one Redis operation; loads the Redis adapter (an optional peer) only now. Unreachable: exit 1. */
export async function onRedis<T>(values: OptionValues, run: (client: RedisCommands, prefix: string) => Promise<T>): Promise<T> {
  const url = redisUrl(values);
  const prefix = stringOption(values.prefix) ?? 'warden:';
  const { withRedis } = await import('../../adapters/redis/index.js');
  try {
    return await withRedis(url, (client) => run(client, prefix));
  } catch (error) {
    throw new CommandFailure(`Redis at ${maskSecrets(url)} did not answer: ${maskSecrets(String((error as Error)?.message ?? error))}`, 1);
  }
}

/** A session's cells; what the sessions' writers stored (ids, statuses, flag codes, times) passes `safeMessage`, so no cell can break the table. */
function row(summary: SessionSummary): string[] {
  const flag = summary.lastFlag ? `${summary.lastFlag.code}@${summary.lastFlag.step}` : '-';
  const status = summary.pendingEscalations.length > 0 ? `${summary.status} (${summary.pendingEscalations.length} awaiting approval)` : summary.status;
  return [safeMessage(summary.sessionId, 200), safeMessage(status, 200), String(summary.steps), String(summary.tokensSpent), `$${summary.costUsd.toFixed(4)}`, safeMessage(flag, 200), safeMessage(summary.updatedAt ?? '-', 80), String(summary.droppedLogEntries ?? 0)];
}

export const command: Command = {
  name: 'sessions',
  usage: ['sessions --redis URL [--prefix P] [--json]'],
  description: 'Lists the live sessions shared on Redis (agent-warden/redis), the 1,000 most recently active first: status, steps, tokens and cost spent, and the last flag; says how many there are past those.',
  options: { ...REDIS_OPTIONS, json: { type: 'boolean', help: 'print the sessions as JSON' } },
  positionals: [0, 0],
  examples: [
    ['warden sessions --redis redis://127.0.0.1:6379', 'what every replica is running now'],
    ['warden sessions --redis redis://127.0.0.1:6379 --json', 'the same, for scripts'],
  ],
  async run({ values }) {
    const sessions = await onRedis(values, async (client, prefix) => {
      const { countSessions, listSessions } = await import('../../adapters/redis/index.js');
      const [list, total] = await Promise.all([listSessions(client, prefix), countSessions(client, prefix)]);
      return { prefix, list, total };
    });
    // The listing is bounded: past it, say how many there are (on stderr under --json, which stays an array).
    const more = sessions.total > sessions.list.length ? `the ${sessions.list.length.toLocaleString('en-US')} most recently active of ${sessions.total.toLocaleString('en-US')} sessions\n` : '';
    if (values.json) {
      process.stdout.write(`${jsonForTerminal(sessions.list, 2)}\n`);
      process.stderr.write(more);
      return 0;
    }
    if (sessions.list.length === 0) {
      process.stdout.write(`no live sessions under prefix ${safeMessage(sessions.prefix, 200)}\n`);
      return 0;
    }
    const rows = [['SESSION', 'STATUS', 'STEPS', 'TOKENS', 'COST', 'LAST FLAG', 'UPDATED', 'LOG DROPPED'], ...sessions.list.map(row)];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
    for (const cells of rows) process.stdout.write(`${cells.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
    process.stdout.write(more);
    return 0;
  },
};
