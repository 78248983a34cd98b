import { killSession, pauseSession, resumeSession } from '../../adapters/redis/index.js';
import { CommandFailure } from './options.js';
import { onRedis, type RedisCommandOptions } from './sessions-command.js';

/** `warden kill|pause|resume SESSION --redis URL [--prefix P] [--reason TEXT]`: every process honours it at its next call. */
export async function runHalt(change: 'kill' | 'pause' | 'resume', sessionId: string, options: RedisCommandOptions & { reason?: string }): Promise<number> {
  const prefix = options.prefix ?? 'warden:';
  const result = await onRedis(options, (client) => {
    if (change === 'kill') return killSession(client, prefix, sessionId, options.reason);
    if (change === 'pause') return pauseSession(client, prefix, sessionId, options.reason);
    return resumeSession(client, prefix, sessionId);
  });
  if (!result.found) throw new CommandFailure(`no live session ${sessionId} under prefix ${prefix}`, 1);
  const unchanged = result.status === result.previous;
  process.stdout.write(`${sessionId}: ${result.previous} -> ${result.status}${unchanged ? ' (unchanged)' : ''}\n`);
  return 0;
}
