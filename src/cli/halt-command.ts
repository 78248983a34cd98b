import type { Command } from './command.js';
import { CommandFailure, stringOption } from './options.js';
import { safeMessage } from './safe-message.js';
import { onRedis, REDIS_OPTIONS } from './sessions-command.js';

type Change = 'kill' | 'pause' | 'resume';

const DESCRIPTION: Record<Change, string> = {
  kill: 'Kills a session shared on Redis: every process refuses its next call in it, and a killed session stays killed.',
  pause: 'Pauses a session shared on Redis: every process refuses its next call in it until someone resumes it.',
  resume: 'Lifts the pause of a session shared on Redis: every process decides its next call normally again. A killed session stays killed.',
};

/** `warden kill|pause|resume SESSION --redis URL [--prefix P] [--reason TEXT]`. */
function haltCommand(change: Change): Command {
  return {
    name: change,
    usage: [`${change} SESSION --redis URL [--prefix P]${change === 'resume' ? '' : ' [--reason TEXT]'}`],
    description: DESCRIPTION[change],
    options: change === 'resume' ? REDIS_OPTIONS : { ...REDIS_OPTIONS, reason: { type: 'string', arg: 'TEXT', help: 'why, as the refusals will say' } },
    positionals: [1, 1],
    examples: [[`warden ${change} S --redis redis://127.0.0.1:6379${change === 'resume' ? '' : ' --reason "runaway agent"'}`, `${change} session S in every process`]],
    async run({ values, positionals }) {
      const sessionId = positionals[0]!;
      const reason = stringOption(values.reason);
      const result = await onRedis(values, async (client, prefix) => {
        const redis = await import('../../adapters/redis/index.js');
        const outcome = change === 'kill' ? await redis.killSession(client, prefix, sessionId, reason) : change === 'pause' ? await redis.pauseSession(client, prefix, sessionId, reason) : await redis.resumeSession(client, prefix, sessionId);
        return { prefix, outcome };
      });
      if (!result.outcome.found) throw new CommandFailure(`no live session ${safeMessage(sessionId, 200)} under prefix ${safeMessage(result.prefix, 200)}`, 1);
      const { status, previous, lost } = result.outcome;
      const note = `${status === previous ? ' (unchanged)' : ''}${lost ? ' (some of its keys are missing, evicted or deleted: every process refuses its calls as lost)' : ''}`;
      process.stdout.write(`${safeMessage(sessionId, 200)}: ${safeMessage(String(previous), 80)} -> ${safeMessage(String(status), 80)}${note}\n`);
      return 0;
    },
  };
}

export const kill = haltCommand('kill');
export const pause = haltCommand('pause');
export const resume = haltCommand('resume');
