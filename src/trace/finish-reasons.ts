/** Finish reasons that mean the output hit its limit, across providers. */
const LENGTH_REASONS = new Set(['length', 'max_tokens', 'max_output_tokens', 'model_length']);

/** Whether a model call's finish reasons say its output was cut off by the output limit. */
export function isTruncated(finishReasons: readonly string[] | undefined): boolean {
  return (finishReasons ?? []).some((reason) => LENGTH_REASONS.has(String(reason).toLowerCase()));
}
