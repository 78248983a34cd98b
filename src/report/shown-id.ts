import { createHash } from 'node:crypto';

/** Longest session id the page shows whole: ids are listed in the overview, the heading and the triage JSON. */
export const MAX_SHOWN_ID = 1_000;

/**
 * A session id as the page shows it: itself up to `MAX_SHOWN_ID` characters, else its head, how much was cut,
 * and a digest of the whole id, so two long ids with the same head stay two sessions on the page (a 200 kB id
 * took 600 kB of the page in each of its three places, and the size budget never counted it).
 */
export function shownId(id: string): string {
  if (id.length <= MAX_SHOWN_ID) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 12);
  return `${id.slice(0, MAX_SHOWN_ID)}… (${id.length - MAX_SHOWN_ID} more characters, sha256 ${digest})`;
}
