import { decodePercentEscapes } from './percent-decode.js';
import { asciiDomain } from './idn-domains.js';

/**
 * Where a destructive tool sends money or data, read from an argument whose whole value is accounts:
 * email addresses (bare, or as mail clients and mail APIs write them: `Mark <mark@x.test>`,
 * `"Black, Mark" <mark@x.test>`, `mailto:mark@x.test?cc=eve@y.test`), IBANs (spaced or not) and
 * wallet addresses, one or a list of them. A value that is anything else (a message body that
 * mentions an address) names no destination: people write addresses in prose without sending there.
 *
 * Every form a mail API delivers to is read, because each one a reader skips is a way past the
 * check: `Mark <mark@evil.test>` delivers to mark@evil.test as surely as the bare address does.
 */

/**
 * One destination: an email address, an IBAN (spaced or not) or an Ethereum-style wallet address. An
 * address's local part may hold RFC 5322 atext (`o'brien`, `a!b`, `{x}`) but `/=?&%`, or be quoted
 * (`"eve smith"`, with `\` pairs: `"eve\"s"`); `mail-local-parts.ts` reads such addresses in content the same way.
 */
const ACCOUNT = /^(?:(?:[\w.+\-!#$'*^`{|}~]{1,64}|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]){1,64}")@[\w-]{1,63}(?:\.[\w-]{1,63})+|[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?|0[xX][a-fA-F0-9]{40})$/;
/**
 * `Display Name <address>` or `"Quoted, Name" <address>`: the address in angle brackets is where it goes,
 * its local part quoted too (`Eve <"eve smith"@x.test>`).
 */
const NAMED_MAILBOX = /^(?:"(?:[^"\\]|\\.){0,256}"|[^"<>]{0,256})\s*<\s*("(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]){1,64}"@[^<>\s"]{1,260}|[^<>\s]{1,330})\s*>$/;
/** Query parameters of a mailto: URI that add recipients (RFC 6068). */
const MAILTO_RECIPIENT_FIELDS = new Set(['to', 'cc', 'bcc']);
/**
 * Full-width and small forms (`＠`, `﹫`, `．`) and ideographic full stops (`。`, `｡`): NFKC makes the first
 * `@` and `.`, IDNA (UTS #46) maps the stops to `.`, and so may whatever renders or sends the address.
 */
const WIDE_FORMS = /[\uFF01-\uFF5E\uFE6B\u3002\uFF61]/;
/** Format characters (zero-width space and joiners, soft hyphen, BOM): invisible, and dropped by what sends the mail. */
const INVISIBLE = /\p{Cf}/u;
/** An RFC 5322 comment (`Mark <m@x> (work)`, `m(Mark)@x`): it names nobody, and mail servers ignore it. */
const COMMENT = /\([^()]{0,256}\)/g;

const MAX_LENGTH = 2_048;
const MAX_ACCOUNTS = 64;

/**
 * The accounts an argument value names when it is nothing but accounts (`to: "a@b.com"`,
 * `recipient: "DE89 3704 ..."`, `"a@b.com, Carol <c@d.com>"`); an empty list for anything else.
 * Bounded: at most 2,048 characters are read and 64 accounts returned, in one pass over the value.
 */
export function accountsIn(value: string): string[] {
  let text = value.trim();
  if (text.length > MAX_LENGTH) return [];
  if (INVISIBLE.test(text)) text = text.replace(/\p{Cf}/gu, '');
  if (WIDE_FORMS.test(text)) text = text.normalize('NFKC').replace(/\u3002/g, '.');
  // `mark%40evil.test`, `mailto:mark%40evil.test`: a server or mail client decodes the escape before it sends.
  if (text.includes('%')) text = decodePercentEscapes(text);
  if (!text.includes('@') && !/^(?:iban:?\s*)?[a-z]{2}\d{2}|^(?:ethereum:)?0x/i.test(text)) return [];
  const accounts: string[] = [];
  for (const part of topLevelParts(text)) {
    if (!addAccountsOf(part, accounts) || accounts.length > MAX_ACCOUNTS) return [];
  }
  return accounts;
}

/** Splits at commas and semicolons outside quotes and angle brackets (`"Black, Mark" <m@x>` is one part). */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angled = false;
  let start = 0;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (quoted) {
      if (char === '\\') at += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '<') angled = true;
    else if (char === '>') angled = false;
    else if ((char === ',' || char === ';') && !angled) {
      parts.push(text.slice(start, at));
      start = at + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Brackets or quotes around a whole address (`[eve@x.test]`, `"eve@x.test"`, `'eve@x.test'`,
 * `(eve@x.test)`, a backquoted one): how people and templates set an address apart; mail goes to the address.
 */
const WRAPPED = /^(?:\[([^\[\]]*)\]|\(([^()]*)\)|"([^"]*)"|'([^']*)'|`([^`]*)`)$/;

function unwrapped(part: string): string {
  const wrapped = WRAPPED.exec(part);
  if (!wrapped) return part;
  const inner = (wrapped[1] ?? wrapped[2] ?? wrapped[3] ?? wrapped[4] ?? wrapped[5]!).trim();
  // Only an address set apart so: `(work)` alone is a comment, `"Black, Mark"` a display name.
  return inner.includes('@') || inner.startsWith('0x') || inner.startsWith('0X') ? inner : part;
}

/** Adds the accounts one part names; false when the part is not accounts (prose, a stray word). */
function addAccountsOf(rawPart: string, accounts: string[]): boolean {
  const bare = unwrapped(rawPart.trim());
  const part = (bare.includes('(') ? withoutComments(bare) : bare).trim();
  if (part === '') return true; // `a@b.com, ` or `a@b.com;;c@d.com`: an empty entry sends nowhere
  if (addAddress(part, accounts)) return true; // one account, a spaced IBAN included
  const named = NAMED_MAILBOX.exec(part);
  if (named) return addAddress(named[1]!, accounts);
  // Bare addresses separated by spaces (`a@b.com c@d.com`): each word must be one.
  for (const word of part.split(/\s+/)) {
    if (!addAddress(word, accounts)) return false;
  }
  return true;
}

/** Drops comments: one between words leaves a space (`a@x (A) b@y`), one inside a word joins it (`m(M)@x` is `m@x`). */
function withoutComments(part: string): string {
  return part.replace(COMMENT, (comment: string, at: number) => {
    const before = at === 0 ? ' ' : part[at - 1]!;
    const after = part[at + comment.length] ?? ' ';
    return /\s/.test(before) || /\s/.test(after) ? ' ' : '';
  });
}

function addAddress(written: string, accounts: string[]): boolean {
  // `ethereum:0x...` (EIP-681) pays the address after the scheme.
  if (/^ethereum:/i.test(written)) return addAddress(written.slice('ethereum:'.length), accounts);
  if (/^mailto:/i.test(written)) return addMailto(written.slice('mailto:'.length), accounts);
  // `SMTP:eve@x.test`, `smtp:eve@x.test`: an Exchange proxy address (primary, secondary) delivers to the address.
  if (/^smtp:/i.test(written)) return addAddress(written.slice('smtp:'.length), accounts);
  // A sentence's full stop after an address (`to: "alice@company.test."`) is no part of it.
  const address = written.endsWith('.') ? written.slice(0, -1) : written;
  if (ACCOUNT.test(address) || idnAddress(address)) {
    // A spaced IBAN is checked both as written and joined: content may carry it either way.
    accounts.push(address);
    if (address.includes(' ') && !address.includes('@')) accounts.push(address.replace(/ /g, ''));
    return true;
  }
  const iban = ibanOf(address);
  if (iban === undefined) return false;
  accounts.push(iban);
  return true;
}

/**
 * An address whose domain is written in Unicode (`eve@пример.рф`): mail goes to its ASCII form (IDNA), so
 * it is an address when that one is (`idn-domains.ts`); the call is checked under both forms.
 */
function idnAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 330) return false;
  const domain = asciiDomain(address.slice(at + 1));
  return domain !== '' && domain.length <= MAX_DOMAIN && ACCOUNT.test(`${address.slice(0, at)}@${domain}`);
}

/** Longest domain (RFC 1035). */
const MAX_DOMAIN = 253;

/**
 * An IBAN written as a bank's form accepts it but not as statements print it: lower case, grouped by
 * dashes, dots or no-break spaces, after an `IBAN` label (`de44-5001-0517-5407-3249-31`, `IBAN:
 * DE44 5001 ...`). Banks strip all of that before they pay, so it is read as the joined, upper-case
 * IBAN, but only when its check digits are right: a word that merely starts with two letters and two
 * digits is no account.
 */
const LOOSE_IBAN = /^(?:iban:?\s*)?([a-z]{2}\d{2}(?:[ .\-\u00a0\u2009\u202f]?[a-z0-9]){11,30})$/i;

function ibanOf(written: string): string | undefined {
  const match = LOOSE_IBAN.exec(written);
  if (!match) return undefined;
  const iban = match[1]!.replace(/[ .\-\u00a0\u2009\u202f]/g, '').toUpperCase();
  return hasIbanCheckDigits(iban) ? iban : undefined;
}

/** ISO 13616: the country and check digits moved to the end, letters as 10-35, the number mod 97 is 1. */
function hasIbanCheckDigits(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** `mailto:a@x,b@y?cc=c@z&subject=...`: the path's addresses and those of the to/cc/bcc fields. */
function addMailto(uri: string, accounts: string[]): boolean {
  const query = uri.indexOf('?');
  const path = query < 0 ? uri : uri.slice(0, query);
  for (const address of path.split(',')) {
    if (address !== '' && !addAddress(address, accounts)) return false;
  }
  if (query < 0) return true;
  for (const field of uri.slice(query + 1).split('&')) {
    const equals = field.indexOf('=');
    if (equals < 0 || !MAILTO_RECIPIENT_FIELDS.has(field.slice(0, equals).toLowerCase())) continue;
    for (const address of field.slice(equals + 1).split(',')) {
      if (address !== '' && !addAddress(address.trim(), accounts)) return false;
    }
  }
  return true;
}
