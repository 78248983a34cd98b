/**
 * The forms one hex id is written in. A UUID is the same id in capitals, without its dashes, in braces
 * (`{...}`, as Windows writes it) or as `urn:uuid:...`; a full git object hash (40 hex digits for SHA-1, 64 for
 * SHA-256) is named by its usual abbreviation, its first 7 to 12 digits (`git log --oneline`). Nothing else: a
 * part of a UUID, a hash's suffix or middle, or a prefix of another hash is another string.
 */

/** A UUID in any of its forms, dashes all there or all gone; group 1-5 are its five groups. */
const UUID_ANY = /^(?:urn:uuid:)?(\{)?([0-9a-f]{8})(-?)([0-9a-f]{4})\3([0-9a-f]{4})\3([0-9a-f]{4})\3([0-9a-f]{12})(\})?$/i;

/** The shortest and longest abbreviations of a hash that name it (git's default is 7; tools print up to 12). */
export const SHORTEST_ABBREVIATION = 7;
export const LONGEST_ABBREVIATION = 12;

/** The canonical form of a UUID written in any form (lower case, dashed), or `undefined` for anything else. */
export function canonicalUuid(value: string): string | undefined {
  if (value.length < 32 || value.length > 47) return undefined;
  const match = UUID_ANY.exec(value);
  // Braces come in pairs.
  if (match === null || (match[1] === undefined) !== (match[8] === undefined)) return undefined;
  return `${match[2]}-${match[4]}-${match[5]}-${match[6]}-${match[7]}`.toLowerCase();
}

/** The other forms a ledger token (lower case) of a UUID is kept in: dashed for bare, bare for dashed. */
export function uuidVariants(token: string): string[] {
  if (token.length !== 32 && token.length !== 36) return [];
  const dashed = canonicalUuid(token);
  if (dashed === undefined) return [];
  return [dashed === token ? dashed.replace(/-/g, '') : dashed];
}

/** Whether a token (lower case) is a full SHA-1 or SHA-256 hash: 40 or 64 hex digits. */
function isFullHash(token: string): boolean {
  if (token.length !== 40 && token.length !== 64) return false;
  for (let index = 0; index < token.length; index += 1) {
    const code = token.charCodeAt(index);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

/**
 * The abbreviations a full hash (a ledger token, lower case) vouches for: its first 7 to 12 digits, those with
 * a digit in them (a prefix of letters only reads as a word, `deadbee`). None for anything else.
 */
export function hashAbbreviations(token: string): string[] {
  if (!isFullHash(token)) return [];
  const found: string[] = [];
  for (let length = SHORTEST_ABBREVIATION; length <= LONGEST_ABBREVIATION; length += 1) {
    const prefix = token.slice(0, length);
    if (/\d/.test(prefix)) found.push(prefix);
  }
  return found;
}
