import type { EscalationAnswer, Flag } from '../../src/index.js';

/** Whether a client's declared capabilities let a server ask its user a form question. */
export function supportsFormElicitation(capabilities: unknown): boolean {
  const elicitation = (capabilities as { elicitation?: unknown } | undefined)?.elicitation;
  if (typeof elicitation !== 'object' || elicitation === null) return false;
  const modes = elicitation as { form?: unknown; url?: unknown };
  // `{}` is form mode (the only one before 2025-11-25); `{ url: {} }` alone cannot show a form.
  return modes.form !== undefined || modes.url === undefined;
}

/** The elicitation/create params that put a pause to the user: what happened, and continue or stop. */
export function pauseQuestion(flags: readonly Flag[]): Record<string, unknown> {
  const reasons = flags.map((flag) => flag.message).join(' ');
  return {
    message: `agent-warden paused this session: ${reasons || 'a check asked for a human.'} Continue?`,
    requestedSchema: {
      type: 'object',
      properties: {
        continue: {
          type: 'boolean',
          title: 'Continue the session',
          description: 'Yes: run the paused call and go on. No: stop the session (every later call is refused).',
        },
      },
      required: ['continue'],
    },
  };
}

/**
 * The user's answer as the guard's: yes runs the call; no (or declining the form) stops the session;
 * dismissing it leaves the call refused and the session paused until `pauseTimeoutMs`.
 */
export function pauseAnswer(result: Record<string, unknown>): EscalationAnswer {
  if (result.action === 'accept') return (result.content as { continue?: unknown } | undefined)?.continue === true ? 'approve' : 'kill';
  if (result.action === 'decline') return 'kill';
  return 'deny';
}
