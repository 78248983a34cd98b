import { COMMANDS } from './connection.js';
import type { RedisCommands } from './redis-log.js';

/**
 * A client the caller gave the store, watched but never closed: a command Redis has not answered within
 * `timeoutMs` fails (the decision or operation waiting on it fails closed), and the first such command of a
 * stall is reported once through `onStall`. The store cannot drop the caller's connection as it drops its
 * own (the caller may be using it, and owns its life), so it says so and leaves that to the caller; a stall
 * ends when every late command has settled, and the next one is reported again.
 */
export function watchedCallerClient(client: RedisCommands, timeoutMs: number, onStall?: (error: Error) => void): RedisCommands {
  // Commands past their deadline whose answer (or failure) has not come yet: more than 0 is a stall.
  let late = 0;
  const watched = {} as Record<(typeof COMMANDS)[number], (...args: unknown[]) => Promise<unknown>>;
  for (const name of COMMANDS) {
    watched[name] = (...args: unknown[]) => {
      let timer: NodeJS.Timeout | undefined;
      let overdue = false;
      const sent = (client[name] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
      const deadlinePassed = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          overdue = true;
          late += 1;
          if (late === 1) onStall?.(new Error(`Redis did not answer within ${timeoutMs} ms on the client you gave the store; the store does not close or reopen a client it does not own, so every command behind this one waits on it: drop the connection yourself (node-redis: socket.socketTimeout with pingInterval)`));
          reject(new Error(`Redis did not answer within ${timeoutMs} ms (your own client: the store leaves its connection as it is)`));
        }, timeoutMs);
      });
      // Whatever the late command's outcome, it is no longer holding the connection.
      const settled = () => {
        if (overdue) late -= 1;
      };
      sent.then(settled, settled);
      return Promise.race([sent, deadlinePassed]).finally(() => clearTimeout(timer));
    };
  }
  return watched as unknown as RedisCommands;
}
