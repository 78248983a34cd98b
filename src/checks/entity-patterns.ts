import type { Policy } from '../policy/policy.js';
import { compileLinear, LinearTokenFinder } from '../text/linear-regex.js';

export interface EntityPattern {
  kind: string;
  /** The policy's pattern as written, for whole-value format checks (linear time, like `RegExp.test`). */
  whole: { test(text: string): boolean; readonly source: string };
  /** The same pattern unanchored, bounded by token edges, for finding ids inside free text. */
  inText?: LinearTokenFinder;
}

const WORD = '[\\p{L}\\p{N}_]';

/** Compiles the policy's entity patterns once, at guard creation, on the linear-time engine. */
export function compileEntityPatterns(policy: Policy): EntityPattern[] {
  const patterns: EntityPattern[] = [];
  for (const [kind, entity] of Object.entries(policy.entities)) {
    if (entity.pattern === undefined) continue;
    const compiled = compileLinear(entity.pattern);
    const whole = { source: entity.pattern, test: (text: string) => compiled.test(text) };
    const body = entity.pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
    const inText = entity.findInText === false ? undefined : new LinearTokenFinder(entity.pattern, body, WORD, `[^\\p{L}\\p{N}_]`);
    patterns.push({ kind, whole, inText });
  }
  return patterns;
}
