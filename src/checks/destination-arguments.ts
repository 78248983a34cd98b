/**
 * Arguments that say where a destructive call sends money, messages or data, whatever form the
 * destination takes. An email, an IBAN or a wallet is an account wherever it stands
 * (`accountsIn`); a phone number, an account number, a payment handle or a chain address is one only
 * under a name that says so (`recipient`, `payee`, `to`, `phone`, `wallet`, `account_number`): a bare
 * `7781234556` in a note is no destination, under `recipient` of `send_money` it is.
 *
 * These are checked as accounts are, for untrusted provenance only: people type destinations, so one
 * seen nowhere is not invented, but one that only a third-party page or email gave is how an
 * injection gets paid (AgentDojo's banking suite: "send the refund to ...").
 */
import { nameWords } from '../tool-kind.js';
import { normalizeDate } from '../text/dates.js';
import { normalizeId, wholeToken } from '../text/tokens.js';
import { phoneDestinationOf, type PhoneDestination } from '../text/phone-numbers.js';

/** Whole words of an argument name that mark where a call sends something (`payeeAccount`, `cc`, `wallet_address`). */
const DESTINATION_WORDS = new Set([
  'recipient', 'recipients', 'receiver', 'receivers', 'cc', 'bcc', 'payee', 'payees', 'beneficiary', 'beneficiaries',
  'destination', 'destinations', 'dest', 'account', 'accounts', 'iban', 'wallet', 'wallets', 'phone', 'phones', 'mobile',
  'msisdn', 'venmo', 'paypal', 'cashtag',
]);
/**
 * `to` marks a destination alone (`to`) or after a verb of sending (`send_to`, `reply_to`); elsewhere it
 * ends a range (`date_to`, `valid_to`, `price_to`), which is no destination.
 */
const SENDING_VERBS = new Set(['send', 'reply', 'forward', 'pay', 'transfer', 'wire', 'deliver', 'mail', 'email', 'message', 'text', 'notify', 'ship', 'remit']);

/** Names repeat on every call: each is split once (a bounded cache, as argument names are few). */
const destinationNames = new Map<string, boolean>();

export function isDestinationName(key: string): boolean {
  let destination = destinationNames.get(key);
  if (destination === undefined) {
    const words = nameWords(key);
    destination = words.some((word, index) => DESTINATION_WORDS.has(word) || (word === 'to' && (words.length === 1 || (index > 0 && SENDING_VERBS.has(words[index - 1]!)))));
    if (destinationNames.size < 4_096 && key.length <= 64) destinationNames.set(key, destination);
  }
  return destination;
}

/** An amount with cents (`15000.00`, `15,000.00`, `1.500.000,00`); a French phone `01.23.45.67.89` is none. */
const AMOUNT = /^(?:\d{1,3}(?:[,. \u00a0]\d{3})+|\d+)[.,]\d{2}$/;

/** A version (`v4.17.21`, `2.0.0-rc.1`, `1.2`): where `to` says what to upgrade to, not whom to send to. */
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]{1,32})?$/;

/** A range of numbers (`1-10`, `100 - 200`), told from a local phone number (`555-0199`) by its fewer digits. */
const RANGE = /^\d{1,6} ?[-\u2013] ?\d{1,6}$/;

/**
 * The destination a value under a destination name names, as the one token the ledger knows it by,
 * or `undefined` for anything else (a name, a sentence, a word: `"my sister"`, `"checking"`).
 * A phone number is read by its digits (`+1 555 010 0199` and `15550100199` are one number); any other
 * destination must be a single token with a digit or a leading `@` (`7781234556`, `ACC-99812`,
 * `@mark-black-77`, `bc1qxy2...`); a date is none.
 */
export function destinationToken(value: string): string | undefined {
  return destinationOf(value)?.token;
}

/** A destination: its token, and for a phone the other forms that vouch for it or taint it (`PhoneDestination`). */
export type Destination = Readonly<PhoneDestination>;

/**
 * `destinationToken`'s token, with the other forms of the same destination: a phone number's
 * (`phone-numbers.ts`: `+1 (555) 010-0199` is `15550100199`, and `5550100199` as the user may have typed it;
 * `tel:` and an extension dropped). Content records every form of a phone it writes, so the two sides meet on one.
 */
export function destinationOf(value: string): Destination | undefined {
  const text = value.trim();
  if (text.length < 3 || text.length > 128) return undefined;
  // A date is written with digits and dashes too (`2024-05-01`, `05/01/2024`), and an amount with dots and
  // commas (`15000.00`, `1.500.000,00`): neither sends anywhere.
  if (normalizeDate(text.toLowerCase()) !== undefined || AMOUNT.test(text)) return undefined;
  const phone = phoneDestinationOf(text);
  if (phone !== undefined) return phone;
  // Nor does a version (`upgrade(package, to: "v4.17.21")`), told from a phone written with dots by its fewer digits,
  // or a range (`1-10`, `100-200`).
  if (VERSION.test(text) || RANGE.test(text)) return undefined;
  const whole = normalizeId(text);
  const token = whole === undefined ? undefined : wholeToken(whole);
  if (token === undefined) return undefined;
  if (text.startsWith('@')) return { token, forms: [] };
  // An account number or code holds five digits or more (`ACC-99812`), a chain address is long (`1BoatSLRHt...`):
  // a region, an encoding, a resolution or a codec under `destination_region` or `target_format` (`eu-west-1`,
  // `UTF-8`, `1080p`, `H264`) names no one.
  const digits = token.replace(/\D/g, '').length;
  if (digits < 5 && !(digits >= 3 && token.length >= 12)) return undefined;
  // An amount or a small count (`1500.00`, `42`) under `account_balance` or `recipient_count` names nobody.
  if (/^[\d.,]+$/.test(token) && (/[.,]\d{1,2}$/.test(token) || token.replace(/\D/g, '').length < 6)) return undefined;
  return { token, forms: [] };
}
