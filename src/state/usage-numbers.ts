import type { LlmCallEvent } from '../trace/events.js';
import { isTokenCount } from './budget.js';

/** A model call's token counts, with the fields whose values are unusable (NaN, negative, fractional, not numbers). */
export interface CheckedUsage {
  inputTokens: number;
  outputTokens: number;
  /** `input_tokens`, `output_tokens`: present but not finite non-negative integers. */
  invalid: string[];
}

/** Reads usage numbers without trusting them: an unusable count is reported, never read as zero silently. */
export function checkedUsage(event: Pick<LlmCallEvent, 'input_tokens' | 'output_tokens'>): CheckedUsage {
  const invalid: string[] = [];
  const read = (field: 'input_tokens' | 'output_tokens'): number => {
    const value = event[field] as unknown;
    if (value === undefined) return 0;
    if (isTokenCount(value)) return value;
    invalid.push(field);
    return 0;
  };
  return { inputTokens: read('input_tokens'), outputTokens: read('output_tokens'), invalid };
}
