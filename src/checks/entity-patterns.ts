import type { Policy } from '../policy/policy.js';

export interface EntityPattern {
  kind: string;
  /** The policy's pattern as written, for whole-value format checks. */
  whole: RegExp;
  /** The same pattern unanchored, bounded by token edges, for finding ids inside free text. */
  inText?: RegExp;
}

/** Compiles the policy's entity patterns once, at guard creation. */
export function compileEntityPatterns(policy: Policy): EntityPattern[] {
  const patterns: EntityPattern[] = [];
  for (const [kind, entity] of Object.entries(policy.entities)) {
    if (entity.pattern === undefined) continue;
    const whole = new RegExp(entity.pattern, 'u');
    const body = entity.pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
    const inText = entity.findInText === false ? undefined : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${body})(?![\\p{L}\\p{N}_])`, 'gu');
    patterns.push({ kind, whole, inText });
  }
  return patterns;
}
