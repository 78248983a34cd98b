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
  const notes = [...(summary.pendingEscalations.length > 0 ? [`${summary.pendingEscalations.length} awaiting approval`] : []), ...(summary.lost ? ['lost: keys missing'] : [])];
  const status = notes.length > 0 ? `${summary.status} (${notes.join(', ')})` : summary.status;
  return [safeMessage(summary.sessionId, 200), safeMessage(status, 200), String(summary.steps), String(summary.tokensSpent), `$${summary.costUsd.toFixed(4)}`, safeMessage(flag, 200), safeMessage(summary.updatedAt ?? '-', 80), String(summary.droppedLogEntries ?? 0)];
}

/** Sessions one listing shows at most: the Redis store's bound (its listSessions refuses more), here without loading the adapter for --help. */
const PAGE_MAX = 1_000;

/** `--offset N` and `--limit N`: which sessions by rank of last activity, 0 the most recent. */
function pageOptions(values: OptionValues): { offset: number; limit: number } {
  const whole = (name: string, min: number, max: number, fallback: number): number => {
    const text = stringOption(values[name]);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} takes a whole number from ${min.toLocaleString('en-US')}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max.toLocaleString('en-US')}`}, not "${safeMessage(text, 80)}"`);
    return parsed;
  };
  return { offset: whole('offset', 0, Number.MAX_SAFE_INTEGER, 0), limit: whole('limit', 1, PAGE_MAX, PAGE_MAX) };
}

/** What the listing leaves out, and the option that shows the next page; '' when it shows every session. */
function pageNote({ offset, limit }: { offset: number; limit: number }, shown: number, total: number): string {
  // From what was shown, not offset + limit: the sessions found expired on this page left the index, moving the rest up.
  const next = offset + shown < total ? ` (next page: --offset ${offset + shown}${limit === PAGE_MAX ? '' : ` --limit ${limit}`})` : '';
  if (offset === 0 && shown > 0) return shown < total ? `the ${shown.toLocaleString('en-US')} most recently active of ${total.toLocaleString('en-US')} sessions${next}\n` : '';
  // Nothing shown yet sessions left at this offset: those the page held had expired, and their leaving the index moved the rest up.
  if (shown === 0) return `no sessions at --offset ${offset}: there are ${total.toLocaleString('en-US')}${offset < total ? ' (the ones at this offset had expired and have left the index: list again)' : ''}\n`;
  return `sessions ${(offset + 1).toLocaleString('en-US')} to ${(offset + shown).toLocaleString('en-US')} by last activity, of ${total.toLocaleString('en-US')}${next}\n`;
}

export const command: Command = {
  name: 'sessions',
  usage: ['sessions --redis URL [--prefix P] [--offset N] [--limit N] [--json]'],
  description:
    'Lists the live sessions shared on Redis (agent-warden/redis), the most recently active first (1,000 at most per page; --offset pages past them): status, steps, tokens and cost spent, and the last flag; says how many there are in all and the --offset of the next page. Ranks move as sessions become active or expire, so a session may show on two pages, or on none, when it moved between them.',
  options: {
    ...REDIS_OPTIONS,
    offset: { type: 'string', arg: 'N', help: 'skip the N most recently active sessions (default 0)' },
    limit: { type: 'string', arg: 'N', help: `show at most N sessions, 1 to ${PAGE_MAX.toLocaleString('en-US')} (default ${PAGE_MAX.toLocaleString('en-US')})` },
    json: { type: 'boolean', help: 'print the sessions as JSON' },
  },
  positionals: [0, 0],
  examples: [
    ['warden sessions --redis redis://127.0.0.1:6379', 'what every replica is running now'],
    ['warden sessions --redis redis://127.0.0.1:6379 --json', 'the same, for scripts'],
    ['warden sessions --redis redis://127.0.0.1:6379 --offset 1000', 'the next 1,000, by last activity'],
    ['warden sessions --redis redis://127.0.0.1:6379 --limit 20', 'the 20 most recently active'],
  ],
  async run({ values }) {
    const page = pageOptions(values);
    const sessions = await onRedis(values, async (client, prefix) => {
      const { countSessions, listSessions } = await import('../../adapters/redis/index.js');
      // Counted after the listing, which drops expired sessions from the index as it finds them.
      const list = await listSessions(client, prefix, page);
      return { prefix, list, total: await countSessions(client, prefix) };
    });
    // The listing is bounded: past it, say how many there are (on stderr under --json, which stays an array).
    const more = pageNote(page, sessions.list.length, sessions.total);
    if (values.json) {
      process.stdout.write(`${jsonForTerminal(sessions.list, 2)}\n`);
      process.stderr.write(more);
      return 0;
    }
    if (sessions.list.length === 0) {
      process.stdout.write(sessions.total === 0 && page.offset === 0 ? `no live sessions under prefix ${safeMessage(sessions.prefix, 200)}\n` : more);
      return 0;
    }
    const rows = [['SESSION', 'STATUS', 'STEPS', 'TOKENS', 'COST', 'LAST FLAG', 'UPDATED', 'LOG DROPPED'], ...sessions.list.map(row)];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
    for (const cells of rows) process.stdout.write(`${cells.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
    process.stdout.write(more);
    return 0;
  },
};
