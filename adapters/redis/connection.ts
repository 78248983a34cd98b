import { createClient } from 'redis';
import type { RedisCommands } from './redis-log.js';

/** A node-redis client that reconnects forever with backoff; node-redis fails a command it has not written after `commandTimeoutMs`. */
export function connectRedis(url: string, connectTimeoutMs: number, commandTimeoutMs: number, onError?: (error: Error) => void) {
  const client = createClient({ url, socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2_000) } });
  // Without a listener, an 'error' event would crash the process; the client keeps reconnecting.
  client.on('error', (error: Error) => onError?.(error));
  client.connect().catch((error: Error) => onError?.(error));
  return { raw: client, commands: client.withCommandOptions({ timeout: commandTimeoutMs }) as unknown as RedisCommands };
}

type Connection = ReturnType<typeof connectRedis>;

/** Every command of `RedisCommands`, so each is watched (the compiler checks the list is whole). */
export const COMMANDS = ['evalSha', 'eval', 'hGetAll', 'zAdd', 'zRange', 'zCard', 'zRem', 'zRemRangeByScore', 'pExpire', 'hSet', 'hDel'] as const satisfies ReadonlyArray<keyof RedisCommands>;
type Missing = Exclude<keyof RedisCommands, (typeof COMMANDS)[number]>;
const whole: [Missing] extends [never] ? true : never = true;
void whole;

export interface WatchedConnection {
  readonly commands: RedisCommands;
  close(): Promise<void>;
}

/**
 * The store's own connection, with a watchdog: a command Redis has not answered within `timeoutMs` fails,
 * and the connection is dropped and opened afresh. node-redis never times out a command it has written, so
 * on a connection that stopped answering (a hung server, a silent network drop) every later command would
 * queue behind it for ever, and replies reaching the old socket later would answer the wrong commands.
 */
export function watchedConnection(url: string, timeoutMs: number, onError?: (error: Error) => void): WatchedConnection {
  // node-redis's own timeout, for commands it never wrote, is a backstop: the watchdog fires first.
  const open = (): Connection => {
    // A replaced connection's errors (its commands failed as it was dropped) are not news.
    const made: Connection = connectRedis(url, timeoutMs, timeoutMs * 2, (error) => {
      if (made === current) onError?.(error);
    });
    return made;
  };
  let current: Connection = open();
  let closed = false;
  const replace = (stale: Connection) => {
    // Only the first late command of a connection replaces it: the others of that connection find it gone.
    if (stale !== current || closed) return;
    current = open();
    // Fails the commands still waiting on it at once, instead of at their own deadlines.
    stale.raw.destroy();
  };
  const commands = {} as Record<(typeof COMMANDS)[number], (...args: unknown[]) => Promise<unknown>>;
  for (const name of COMMANDS) {
    commands[name] = (...args: unknown[]) => {
      const connection = current;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          replace(connection);
          reject(new Error(`Redis did not answer within ${timeoutMs} ms (the connection is opened afresh)`));
        }, timeoutMs);
      });
      const sent = (connection.commands[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      return Promise.race([sent, late]).finally(() => clearTimeout(timer));
    };
  }
  return {
    commands: commands as unknown as RedisCommands,
    async close() {
      closed = true;
      // QUIT waits for every pending reply: on a hung connection that is never, so it is bounded too.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([current.raw.close().catch(() => undefined), late]).finally(() => clearTimeout(timer));
      current.raw.destroy();
    },
  };
}
