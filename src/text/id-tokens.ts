/**
 * Ids that try to hide from provenance: invisible characters (`ord_99\u200B99` reaches a backend
 * that strips them as `ord_9999`), confusable letters (a Cyrillic `о` in `оrd_1001`), wildcard-like
 * values (`*`, `%`, empty), and values too long to be one token (a comma list of invented ids).
 * Every id value becomes the tokens the ledger must know, whatever its length or form.
 */
import { forEachToken, normalizeId, TOKEN_CLASS, wholeToken } from './tokens.js';

/** Characters that render as nothing: zero-width, joiners, bidi controls, soft hyphen, variation selectors, tags. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E0FFF}]/gu;
/** The runs of token characters of `tokens.ts`, for values too long to be one token. */
const TOKEN = new RegExp(`[${TOKEN_CLASS}]+`, 'gu');
const MAX_TOKEN_LENGTH = 256;
const OTHER_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;
const ASCII = /^[\x00-\x7f]*$/;

/** Letters from other scripts that render like Latin ones (a working subset of Unicode's confusables). */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ɡ: 'g', ʏ: 'y',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c', ϳ: 'j', ı: 'i', ℓ: 'l', ǀ: 'l', 'ꓲ': 'l',
};

/** The value without invisible characters, in NFKC (fullwidth `ｏｒｄ` becomes `ord`). */
export function visibleForm(value: string): string {
  return value.replace(INVISIBLE, '').normalize('NFKC');
}

export function hasInvisible(value: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(value);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** A token mixing Latin letters with look-alike letters of another script. */
export function isMixedScript(token: string): boolean {
  return LATIN.test(token) && OTHER_SCRIPT.test(token);
}

/**
 * What a name looks like to a person: visible form, lower case, look-alike letters mapped to Latin,
 * `0`/`1`/`rn`/`vv` read as `o`/`l`/`m`/`w`, `-` as `_`. Two names with one skeleton are confusable.
 */
export function skeleton(name: string): string {
  let text = visibleForm(name).toLowerCase();
  text = [...text].map((char) => CONFUSABLES[char] ?? char).join('');
  return text.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/0/g, 'o').replace(/1/g, 'l').replace(/-/g, '_');
}

/** `*`, `%`, `?`, empty, punctuation only, `all`/`any`: values that select many records, not one. */
export function isWildcardLike(value: string): boolean {
  const text = value.trim();
  if (text === '') return true;
  if (/[*%]/.test(text)) return true;
  if (/^[^\p{L}\p{N}]+$/u.test(text)) return true;
  return /^(?:all|any|every|everything|\.\*|null|undefined|none)$/i.test(text);
}

export interface IdValueTokens {
  /** Ledger tokens every one of which must be known: one for a plain id, several for a list. */
  tokens: string[];
  /** The value selects many records rather than naming one. */
  wildcard: boolean;
  /** The value carries characters that hide what it names. */
  obfuscated?: 'invisible' | 'confusable';
}

/**
 * The tokens of an id value, whatever its length: a value that is one token stays whole; a longer
 * value is split into its tokens; a token longer than any id becomes a token no ledger holds (so it
 * is flagged, never skipped).
 */
export function idValueTokens(value: string): IdValueTokens {
  // ASCII is its own visible form (no invisible or look-alike characters, NFKC leaves it as it is): most ids are.
  const ascii = ASCII.test(value);
  const visible = ascii ? value : visibleForm(value);
  let obfuscated: IdValueTokens['obfuscated'];
  if (!ascii && visible !== value.normalize('NFC')) obfuscated = hasInvisible(value) ? 'invisible' : 'confusable';
  const tokens: string[] = [];
  const whole = normalizeId(visible);
  const token = whole === undefined ? undefined : wholeToken(whole);
  if (token !== undefined) tokens.push(token);
  else {
    forEachToken(visible, (token) => tokens.push(token));
    TOKEN.lastIndex = 0;
    for (let match = TOKEN.exec(visible); match !== null; match = TOKEN.exec(visible)) {
      if (match[0].length > MAX_TOKEN_LENGTH) tokens.push(`${match[0].slice(0, MAX_TOKEN_LENGTH).toLowerCase()}…(${match[0].length} chars)`);
    }
  }
  if (!ascii && obfuscated === undefined && tokens.some(isMixedScript)) obfuscated = 'confusable';
  return { tokens, wildcard: isWildcardLike(visible), ...(obfuscated ? { obfuscated } : {}) };
}
