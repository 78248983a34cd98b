import type { Decision } from '../decision.js';
import { buildRefusal, guardFailureFlag } from '../refusal.js';

/**
 * The decision that stands for one the guard could not make: refused with `guardFailureRefusal`, or,
 * when the policy fails open (`onCheckError: 'allow'`), allowed with the GUARD_ERROR flag as a warning.
 */
export function guardFailureDecision(error: unknown, subject: string, failsOpen: boolean): Decision {
  const flags = [guardFailureFlag(error)];
  if (failsOpen) return { step: -1, action: 'warn', flags, proceed: true };
  return { step: -1, action: 'block', flags, proceed: false, refusal: buildRefusal('block', flags, subject) };
}
