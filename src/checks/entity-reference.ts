/**
 * Which id-named arguments really refer to an entity. An argument named like an id is a reference
 * unless its value is one of the things id-named arguments often carry without naming a record:
 * a locale or language code, a small page/offset/limit number, a plain word (`category_id:
 * "electronics"`, `voice_id: "alloy"`), a public code under a code system's noun (`airport_id: "BOS"`), or, for a tool that creates a record, the new record's own id.
 * Arguments the policy lists (`entityArguments`) are always references.
 */
import { nameWords } from '../tool-kind.js';
import { isVolatileName } from '../text/volatile.js';

export { definitionTexts } from '../text/definition-texts.js';

/**
 * Words in an argument name that mark a locale, language, region, currency or time zone. Whole words only (`account`
 * holds `count`, `slang` holds `lang`: neither is one), split as `nameWords` splits any case style.
 */
const LOCALE_WORDS = new Set(['locale', 'lang', 'language', 'languages', 'region', 'country', 'currency', 'timezone', 'tz', 'market', 'dialect', 'script', 'charset', 'encoding']);
/**
 * BCP 47 tags (`en`, `en-US`, `zh-Hant-TW`, `pt_BR`), ISO 3166 countries and ISO 4217 currencies (`DE`, `EUR`), IANA
 * zones, cloud regions (`us-east-1`, `europe-west4`).
 */
const LOCALE_VALUE = /^(?:[a-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Z]{2}|\d{3}))?|[A-Z]{2,3}|[a-z]{2,12}(?:-[a-z]+){1,2}-?\d{1,2}|[A-Z][a-z]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?|UTC|GMT)$/;
/** A language and region tag reads as a locale whatever the argument is called. */
const REGION_TAG = /^[a-z]{2,3}[-_][A-Z]{2}$/;

/** Words in an argument name that mark pagination, where small integers are positions, not records (whole words, as above). */
const PAGING_WORDS = new Set(['page', 'pages', 'offset', 'limit', 'skip', 'top', 'cursor', 'start', 'index', 'count', 'per', 'size', 'batch', 'step', 'rank', 'position', 'pos', 'num']);
const SMALL_INTEGER_LIMIT = 10_000;

/**
 * Nouns of public code systems: airports (IATA, ICAO), airlines, cabins and fare classes, stock tickers and exchanges,
 * units of measure. An id argument whose noun (its last word before `id`, `ids` or `code`) is one of them names a
 * code everyone shares, not a record the session must have seen: `origin_airport_id: "BOS"`, `ticker_id: "NVDA"`.
 * The noun only: `stock_item_id` names an item.
 */
const CODE_NOUNS = new Set(['airport', 'airports', 'iata', 'icao', 'airline', 'airlines', 'carrier', 'cabin', 'class', 'fare', 'ticker', 'tickers', 'symbol', 'symbols', 'exchange', 'mic', 'unit', 'units', 'uom']);
const CODE_SUFFIXES = new Set(['id', 'ids', 'code', 'codes']);
/** A short code in capitals (`BOS`, `KORD`, `Y`, `NVDA`, `BRK.B`, `BF-B`): never digits, which make an id. */
const CODE_VALUE = /^[A-Z]{1,5}(?:[.-][A-Z]{1,2})?$/;
/** An enum's word in capitals (`ECONOMY`, `PREMIUM`), read as a word in lower case. */
const CAPITAL_WORD = /^[A-Z]{2,20}$/;

/**
 * A plain word: letters only, lower case or Capitalized (never ALL CAPS: `MZDDSW` is a booking code),
 * with a vowel, no run of five consonants and no letter three times in a row. Hyphenated or spaced
 * compounds of such words count (`dark-mode`, `new york`).
 */
export function isPlainWord(value: string): boolean {
  if (value.length < 2 || value.length > 40) return false;
  // Anything but letters, spaces and hyphens (a digit, an underscore: most ids) is no plain word.
  if (NOT_WORD_CHARACTER.test(value)) return false;
  const parts = value.split(/[ -]/);
  if (parts.length > 3) return false;
  return parts.every((part) => {
    if (!/^(?:[a-z]+|[A-Z][a-z]+)$/.test(part)) return false;
    const lower = part.toLowerCase();
    return /[aeiouy]/.test(lower) && !/[^aeiouy]{5}/.test(lower) && !/(.)\1\1/.test(lower);
  });
}

const NOT_WORD_CHARACTER = /[^A-Za-z -]/;

/** What an argument name says (bit 1: a locale name, bit 2: a paging name, bit 4: a code's noun): names repeat on every call, so each is tested once. */
const keyTraits = new Map<string, number>();
const LOCALE_NAME = 1;
const PAGING_NAME = 2;
const CODE_NAME = 4;

function traitsOf(key: string): number {
  let traits = keyTraits.get(key);
  if (traits === undefined) {
    traits = 0;
    const words = nameWords(key);
    for (const word of words) {
      if (LOCALE_WORDS.has(word)) traits |= LOCALE_NAME;
      if (PAGING_WORDS.has(word)) traits |= PAGING_NAME;
    }
    let noun = words.length - 1;
    while (noun > 0 && CODE_SUFFIXES.has(words[noun]!)) noun -= 1;
    if (noun < words.length - 1 && CODE_NOUNS.has(words[noun]!)) traits |= CODE_NAME;
    if (keyTraits.size < 4_096 && key.length <= 64) keyTraits.set(key, traits);
  }
  return traits;
}

export function isLocaleValue(key: string, value: string): boolean {
  return REGION_TAG.test(value) || ((traitsOf(key) & LOCALE_NAME) !== 0 && LOCALE_VALUE.test(value));
}

export function isPagingValue(key: string, value: string | number): boolean {
  const number = typeof value === 'number' ? value : /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 0 && number <= SMALL_INTEGER_LIMIT && (traitsOf(key) & PAGING_NAME) !== 0;
}

/** Whether `value` is a public code under an argument whose noun names a code system (`airport_id: "BOS"`). */
export function isCodeValue(key: string, value: string): boolean {
  if ((traitsOf(key) & CODE_NAME) === 0) return false;
  return CODE_VALUE.test(value) || (CAPITAL_WORD.test(value) && isPlainWord(value.toLowerCase()));
}

/** Why an id-named argument is not an entity reference, or `undefined` when it is one. */
export type NotAReference = 'locale' | 'paging' | 'word' | 'code' | 'own_id' | 'request_token';

/**
 * Decides whether an argument found by its id-like name refers to an entity.
 * @param key the argument's own name (for array items, the array's name)
 * @param createdNoun for a tool that creates a record, the record's noun (`order` for `create_order`)
 */
export function notAReference(key: string, value: string | number, createdNoun?: string, toolName?: string): NotAReference | undefined {
  const text = String(value);
  if (createdNoun !== undefined && isOwnId(key, createdNoun)) return 'own_id';
  if (toolName !== undefined && isRequestToken(key, toolName)) return 'request_token';
  if (isPagingValue(key, value)) return 'paging';
  if (typeof value !== 'string') return undefined;
  if (isLocaleValue(key, text)) return 'locale';
  if (isPlainWord(text)) return 'word';
  if (isCodeValue(key, text)) return 'code';
  return undefined;
}

/**
 * A token the caller makes for this request (`request_id`, `correlation_id`, `trace_id`, `client_msg_id`, `dedupe_id`:
 * names loop detection masks as per-request noise): a fresh UUID there names no record, unless the tool's own name
 * says the request is what it acts on (`approve_request({request_id})`, `get_trace({trace_id})`).
 */
function isRequestToken(key: string, toolName: string): boolean {
  if (!isVolatileName(key)) return false;
  const noun = nameWords(key)[0];
  return noun === undefined || !nameWords(toolName).includes(noun);
}

/** The noun a create tool makes: the word after its verb, singular (`add_tasks_to_request` -> task). */
export function createdNoun(toolName: string): string | undefined {
  const words = nameWords(toolName);
  const noun = words[1];
  return noun === undefined ? undefined : singular(noun);
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ses') || word.endsWith('xes')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * Verbs that end or remove a record that must exist: what such a tool names is a reference, whatever its argument is
 * called. Verbs that make or change content (`write`, `rename`, `update`) are not here: their `name` may be the new one.
 */
const ENDING_VERBS: ReadonlySet<string> = new Set(['delete', 'remove', 'destroy', 'drop', 'purge', 'erase', 'terminate', 'kill', 'restart', 'reboot', 'stop', 'revoke', 'cancel', 'archive', 'evict', 'uninstall', 'unpublish', 'deactivate', 'suspend', 'detach']);

/**
 * The noun of the record a tool ends or removes, singular (`delete_pod`, `k8s_delete_pod`, `pods.delete` -> pod), or
 * `undefined` for any other tool. Its verb is the first or second word of the name (a namespace may come first).
 */
export function endedNoun(toolName: string): string | undefined {
  const words = nameWords(toolName);
  for (let index = 0; index < Math.min(2, words.length); index += 1) {
    if (!ENDING_VERBS.has(words[index]!)) continue;
    // `delete_pod` names its noun after the verb; `pods.delete`, before it.
    const noun = words[index + 1] ?? (index > 0 ? words[index - 1] : undefined);
    return noun === undefined ? undefined : singular(noun);
  }
  return undefined;
}

/**
 * Whether a top-level argument names the record a tool ends (`endedNoun`): the noun itself (`delete_pod({pod})`,
 * `cancel_order({orders})`) or `name`, as Kubernetes and cloud APIs name what they delete (`delete_pod({name})`).
 */
export function namesEndedRecord(key: string, noun: string): boolean {
  const words = nameWords(key);
  return words.length === 1 && (words[0] === 'name' || words[0] === 'names' || singular(words[0]!) === noun);
}

/**
 * An identifier, not a word, a number, a sentence, a path or a URL: what an ended record's argument must hold to be
 * read as a reference (`api-7f9c8d5b6-x2k4q`, `W2378156`, `i-0abc12de`). A letter and a digit, no space, no `/`, at
 * most 128 characters. A bare number is left out: `remove_item({item: 2})` is as often a position as a record.
 */
export function isIdentifierToken(value: string): boolean {
  return value.length <= 128 && /\d/.test(value) && /\p{L}/u.test(value) && !/[\s/]/.test(value);
}

/**
 * Words before an id that say the caller assigns it to the record being made: `new_order_id`, and the id another
 * system (the caller's own) knows the new record by, `external_id`, `custom_id` (a create names it, it refers to nothing).
 */
const OWN_ID_QUALIFIERS: ReadonlySet<string> = new Set(['new', 'external', 'custom']);

/** `id`, `order_id`, `orderId`, `new_order_id`, `external_id` name the record a `create_order` makes. */
function isOwnId(key: string, noun: string): boolean {
  const words = nameWords(key).filter((word) => !OWN_ID_QUALIFIERS.has(word));
  if (words.length === 1) return words[0] === 'id' || words[0] === 'uuid' || words[0] === 'guid';
  return words.length === 2 && singular(words[0]!) === noun && /^(?:id|ids|uuid|guid)$/.test(words[1]!);
}
