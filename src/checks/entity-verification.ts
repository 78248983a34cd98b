import { AnomalyCode } from '../codes.js';
import { defineCheck, flag } from './check.js';
import type { Flag } from '../trace/events.js';

import type { CheckContext } from './check.js';

type EntityResolver = CheckContext['resolvers'][string];

const TIMED_OUT = Symbol('timed out');

async function resolveWithTimeout(resolver: EntityResolver, id: string, kind: string, timeoutMs: number): Promise<boolean | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => resolver(id, kind)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Step 0: the session's key entities checked by format (the policy's pattern for the kind) and by
 * existence (the user's resolver, bounded by a timeout), before any model call runs.
 */
export const entityVerification = defineCheck('entity-verification', ['session.start'], async (event, context) => {
  const flags: Flag[] = [];
  const patterns = new Map(context.entityPatterns.map((pattern) => [pattern.kind, pattern.whole]));
  const pending: Array<Promise<void>> = [];
  for (const [kind, value] of Object.entries(event.entities ?? {})) {
    for (const id of Array.isArray(value) ? value : [value]) {
      const pattern = patterns.get(kind);
      if (typeof id !== 'string' || id === '') {
        flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind} has no usable id.`, { kind, id }));
        continue;
      }
      if (pattern && !pattern.test(id)) {
        flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind}=${id} does not match the pattern ${pattern.source}.`, { kind, id, reason: 'format', pattern: pattern.source }));
        continue;
      }
      const resolver = context.resolvers[kind];
      if (!resolver) continue;
      pending.push(
        resolveWithTimeout(resolver, id, kind, context.policy.resolverTimeoutMs).then(
          (found) => {
            if (found === TIMED_OUT) {
              flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind}=${id} could not be verified: the resolver did not answer within ${context.policy.resolverTimeoutMs} ms.`, { kind, id, reason: 'timeout' }));
            } else if (found === false) {
              flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind}=${id} does not exist.`, { kind, id, reason: 'not_found' }));
            } else if (found !== true) {
              // Only exactly `true` verifies: a truthy 1, "yes" or object is a resolver bug, not a yes.
              flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind}=${id} could not be verified: the resolver answered ${JSON.stringify(found) ?? String(found)}, not true or false.`, { kind, id, reason: 'invalid_answer' }));
            }
          },
          (error: unknown) => {
            flags.push(flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session entity ${kind}=${id} could not be verified: the resolver failed (${(error as Error)?.message ?? String(error)}).`, { kind, id, reason: 'resolver_error' }));
          },
        ),
      );
    }
  }
  await Promise.all(pending);
  return flags;
});

/** Every tool call of a session whose key entities failed step 0 carries the failure. */
export const unverifiedSession = defineCheck('unverified-session', ['tool.call'], (event, context) =>
  context.session.unverified.map((failure) =>
    flag(AnomalyCode.ENTITY_UNVERIFIED, event.step, `Session refuses tool calls: ${failure.message}`, { ...failure.evidence, originStep: failure.step }),
  ),
);
