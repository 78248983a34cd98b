import type { Command } from './command.js';
import { CommandFailure } from './options.js';
import { safeMessage } from './safe-message.js';
import { onRedis, REDIS_OPTIONS } from './sessions-command.js';

/**
 * `warden forget SESSION --redis URL [--prefix P] [--force]`: deletes a lost session's keys so its id can start
 * afresh. Without it, a session some of whose keys were evicted stays refused in every process until its
 * remaining keys expire (the session TTL), and the user behind that id is stuck for as long.
 */
export const command: Command = {
  name: 'forget',
  usage: ['forget SESSION --redis URL [--prefix P] [--force]'],
  description:
    'Deletes the keys of a session shared on Redis that is lost (some of its keys were evicted or deleted, so every process refuses its calls as lost), so the id can start a new session. A whole session, or a killed one, is kept unless --force: its log is the session\'s trace, and a kill is meant to hold. Processes still holding the old session keep refusing it; one that starts the id afterwards starts a new session.',
  options: { ...REDIS_OPTIONS, force: { type: 'boolean', help: 'forget a whole or killed session too (its log is deleted)' } },
  positionals: [1, 1],
  examples: [
    ['warden forget S --redis redis://127.0.0.1:6379', 'let the lost session S start afresh'],
    ['warden sessions --redis redis://127.0.0.1:6379 | grep lost', 'find lost sessions first'],
  ],
  async run({ values, positionals }) {
    const sessionId = positionals[0]!;
    const force = values.force === true;
    const result = await onRedis(values, async (client, prefix) => {
      const redis = await import('../../adapters/redis/index.js');
      return { prefix, outcome: await redis.forgetSession(client, prefix, sessionId, { force }) };
    });
    const shown = safeMessage(sessionId, 200);
    const { found, forgotten, status, lost } = result.outcome;
    if (!found) throw new CommandFailure(`no session ${shown} under prefix ${safeMessage(result.prefix, 200)}`, 1);
    const was = `${safeMessage(String(status), 80)}${lost ? ', lost: keys missing' : ''}`;
    if (!forgotten) {
      const why = status === 'killed' ? 'it is killed, and a kill is meant to hold' : 'it is whole, and its log is its trace (kill it to stop it)';
      throw new CommandFailure(`${shown} (${was}) was kept: ${why}; --force forgets it anyway`, 1);
    }
    process.stdout.write(`${shown} (${was}): forgotten; the id starts a new session in any process that starts it now\n`);
    return 0;
  },
};
