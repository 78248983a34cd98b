/**
 * The exit statuses every command keeps, for scripts: a CI job must tell a clean run from one that read only
 * part of its input, or it passes on a trace file cut in half.
 */
export const EXIT_STATUS_HELP = [
  'Exit status: 0 done, 1 a regression under --expect or a failure (an unreadable input), 2 usage error,',
  '3 done, but input lines were skipped (a line that is no valid event, the rest of a gzip file cut short).',
].join('\n');

/** Done, but lines of the input were skipped: what was printed may lack sessions or events the input held. */
export const SKIPPED_INPUT = 3;

/**
 * The status of a command that did its work: its own `status` when that says more (1, a regression), else 3
 * when any input line was skipped, else 0.
 */
export function statusAfterReading(skippedLines: number, status = 0): number {
  return status === 0 && skippedLines > 0 ? SKIPPED_INPUT : status;
}
