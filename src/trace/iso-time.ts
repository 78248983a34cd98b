/** The last time formatted: a session records several events within one millisecond (a call, its decision, its result). */
let formattedAt = NaN;
let formatted = '';

/** `new Date(ms).toISOString()`, formatted once per millisecond: an event's `ts` on the hot path. */
export function isoTime(ms: number): string {
  if (ms !== formattedAt) {
    formatted = new Date(ms).toISOString();
    formattedAt = ms;
  }
  return formatted;
}
