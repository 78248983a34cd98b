/**
 * Text as the model reads it, before injection rules match: HTML's numeric references of letters decoded,
 * compatibility forms folded (NFKC: full-width letters, ligatures), invisible format characters removed,
 * inline markup inside a word removed, Latin look-alikes from Cyrillic and Greek mapped back inside
 * mixed-script words, words spaced out letter by letter joined, runs of spaces collapsed and runs of line
 * breaks kept as one line break. One linear pass per step.
 */

// Zero-width and other invisible format characters (not variation selectors or tags: those are detected, not dropped).
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]/g;
/** Each Greek or Cyrillic character: the words around them are the ones that may mix scripts. */
const MIXED_SCRIPT = /[\u0370-\u052F]/g;
/** The run of letters and marks from `lastIndex`, and one letter or mark at `lastIndex`. */
const LETTERS_AT = /[\p{L}\p{M}]*/uy;
const LETTER_AT = /[\p{L}\p{M}]/uy;
/** Whitespace other than a space or a line break, or two whitespace characters in a row. */
const NEEDS_COLLAPSE = /[^\S \n]|\s\s/;
/** Whitespace as `\s` means it in a regular expression. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * Each run of whitespace as one character: a line break if the run holds one, else a space. One pass
 * by character code: the two regular expressions this replaces restarted at every space of prose.
 */
function collapseWhitespace(text: string): string {
  // Most text has only single spaces and line breaks: one native scan shows there is nothing to do.
  if (!NEEDS_COLLAPSE.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let index = 0; index < text.length; index += 1) {
    const first = text.charCodeAt(index);
    if (!isWhitespace(first)) continue;
    let end = index + 1;
    let lineBreak = first === 10;
    for (let code = text.charCodeAt(end); end < text.length && isWhitespace(code); code = text.charCodeAt(++end)) if (code === 10) lineBreak = true;
    // A lone space or a lone line break is already what it would become: nothing to copy.
    if (end === index + 1 && (first === 32 || first === 10)) continue;
    out += text.slice(copied, index) + (lineBreak ? '\n' : ' ');
    copied = end;
    index = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Cyrillic and Greek letters drawn like Latin ones (the confusables attackers use most). */
const CONFUSABLE: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', Ѕ: 'S', І: 'I', Ј: 'J',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

/** Any of the look-alikes (all in the BMP): a word is mapped by one native pass, not a character at a time. */
const CONFUSABLES = new RegExp(`[${Object.keys(CONFUSABLE).join('')}]`, 'g');

function unconfuse(word: string): string {
  if (word.length > 64) {
    // Only words that already hold Latin letters: Russian or Greek prose is left as it is.
    return /[A-Za-z]/.test(word) ? word.replace(CONFUSABLES, (char) => CONFUSABLE[char]!) : word;
  }
  // A short word (text dense with them is built to be slow): one loop, no regular expression.
  let latin = false;
  let out = '';
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index) | 32;
    if (code >= 97 && code <= 122) latin = true;
    const char = word[index]!;
    out += CONFUSABLE[char] ?? char;
  }
  return latin ? out : word;
}

/** Where the run of letters and marks starting at `from` ends. */
function lettersEnd(text: string, from: number): number {
  LETTERS_AT.lastIndex = from;
  LETTERS_AT.test(text);
  return LETTERS_AT.lastIndex;
}

/** Where the run of letters and marks ending at `at` starts, not before `floor`: read back one code point at a time. */
function lettersStart(text: string, at: number, floor: number): number {
  let start = at;
  while (start > floor) {
    const code = text.charCodeAt(start - 1);
    if (code < 128) {
      if ((code | 32) < 97 || (code | 32) > 122) break;
      start -= 1;
      continue;
    }
    const high = start - 2 >= floor ? text.charCodeAt(start - 2) : 0;
    const width = code >= 0xdc00 && code <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
    LETTER_AT.lastIndex = start - width;
    if (!LETTER_AT.test(text)) break;
    start -= width;
  }
  return start;
}

/**
 * Each word that holds a Greek or Cyrillic character replaced by `replace(word)`, as
 * `text.replace(/[\p{L}\p{M}]*[\u0370-\u052F][\p{L}\p{M}]*\/gu, replace)` would (same words, same
 * cuts), in linear time: that expression retries every position of every word without such a
 * character, quadratic in the word's length (65 ms for 1 MB of English with one Greek letter, and any
 * `µ` is one after NFKC). Words are found from those characters outwards instead. Exported for its test.
 */
export function replaceMixedWords(text: string, replace: (word: string) => string): string {
  let out = '';
  let copied = 0;
  MIXED_SCRIPT.lastIndex = 0;
  for (let match = MIXED_SCRIPT.exec(text); match !== null; match = MIXED_SCRIPT.exec(text)) {
    const at = match.index;
    // The expression's match: the letters before the character (back to where the last match ended), the
    // character, the letters after it; and when those end at another such character that is no letter
    // (Greek punctuation), that one and the letters after it too (its greedy first run backs off to there).
    const start = lettersStart(text, at, copied);
    let end = lettersEnd(text, at);
    if (end === at) end = lettersEnd(text, at + 1);
    else if (end < text.length && isMixedScript(text.charCodeAt(end))) end = lettersEnd(text, end + 1);
    out += text.slice(copied, start) + replace(text.slice(start, end));
    copied = end;
    MIXED_SCRIPT.lastIndex = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isMixedScript(code: number): boolean {
  return code >= 0x370 && code <= 0x52f;
}

/** HTML's named references of invisible characters (its whole list of them: soft hyphen, joiners, marks, zero widths). */
export const NAMED_INVISIBLE = '&(?:shy|zwj|zwnj|lrm|rlm|ZeroWidthSpace|NoBreak|NegativeVeryThinSpace|NegativeThinSpace|NegativeMediumSpace|NegativeThickSpace|InvisibleTimes|InvisibleComma|ApplyFunction|it|ic|af);';

/**
 * A letter or a digit percent-encoded, which no URL needs, or an angle bracket: text holding one was written to
 * be decoded (`%49gnore`, `%3Csystem%3E`).
 */
const PERCENT_ENCODED_WORD_CHARACTER = /%(?:3[0-9CcEe]|[46][1-9A-Fa-f]|[57][0-9Aa])/;

/** A hexadecimal digit's value, or -256 for any other character (so a pair holding one is negative). */
export function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -256;
}

/**
 * Percent-escapes of printable ASCII decoded (`%49%67%6E%6F%72%65%20all` is "Ignore all"), in text that encodes a
 * letter, a digit or an angle bracket somewhere: a URL escapes what it must (`%20`, `%2F`), and text with only
 * those is left as written. Decoded once: `%2541` becomes `%41`, not `A`.
 */
function decodePercentEscapes(text: string): string {
  if (!PERCENT_ENCODED_WORD_CHARACTER.test(text)) return text;
  // By character code from one `%` to the next: a replace calling back per escape took ~1.3 µs each (26 ms for 64 KB of them).
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('%'); at >= 0 && at + 2 < text.length; at = text.indexOf('%', at + 1)) {
    const code = hexValue(text.charCodeAt(at + 1)) * 16 + hexValue(text.charCodeAt(at + 2));
    if (code < 0x20 || code >= 0x7f) continue;
    out += text.slice(copied, at) + String.fromCharCode(code);
    copied = at + 3;
    at += 2;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A separator a word is spelled out with, letter by letter ("I-g-n-o-r-e", "I.g.n.o.r.e", "I g n o r e all"): ` -./*|~+`. */
export function isLetterSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 46 || code === 47 || code === 42 || code === 124 || code === 126 || code === 43;
}
/** Three single ASCII letters, one separator between each, the same twice: ASCII text `joinSeparatedLetters` changes. */
const SEPARATED_LETTERS = /(?<![A-Za-z0-9])[A-Za-z](?<separator>[ \-./*|~+])[A-Za-z]\k<separator>[A-Za-z](?![A-Za-z0-9])/;

/**
 * Text no step changes: ASCII (NFKC, the invisible characters and the look-alikes are all outside it)
 * with no whitespace to collapse, no `&#` and no `<` or `*` right after a word character. One native
 * pass tells, so data-heavy content skips the steps.
 */
const NEEDS_NORMALIZING = new RegExp(`[^\\x00-\\x7f]|[^\\S \\n]|\\s\\s|&#|${NAMED_INVISIBLE}|\\w[<*]|${SEPARATED_LETTERS.source}|${PERCENT_ENCODED_WORD_CHARACTER.source}`);

/**
 * Inline markup between two letters of one word: HTML tags (`Ig<b>no</b>re`) and Markdown emphasis
 * (`Ig**no**re`). A reader sees one word; a filter reading the raw text sees three. Markup next to a
 * space or a punctuation mark (`<b>Note</b>:`, `**bold**`) is left as it is. A run of `*` is taken
 * whole (`\*+(?!\*)`): split into parts (`(?:\*{1,3})+`), a long run with no letter after it would be
 * tried in every split, exponentially.
 */
const IN_WORD_MARKUP = /(?<=\p{L})(?:<\/?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>\n]{0,80})?>|\*+(?!\*))+(?=\p{L})/gu;
function joinMarkedUpWords(text: string): string {
  return text.includes('<') || text.includes('*') ? text.replace(IN_WORD_MARKUP, '') : text;
}

/**
 * HTML's numeric character references of letters, digits, spaces and invisible format characters (`&#73;gnore`,
 * `&#x49;gnore`, `Ig&#8203;nore`), and the named ones of invisible characters (`Ig&shy;nore`, `&zwj;`,
 * `&ZeroWidthSpace;`): what a model reading a raw page reads as the characters (or as nothing), and how a filter
 * is talked past. Markup (`&lt;`, `&#60;`) stays as written: a page quoting a tag is not one.
 */
const NUMERIC_REFERENCE = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/g;
const DECODED = /^[\p{L}\p{N}\p{M} ]$/u;
/** An invisible format character, alone (as INVISIBLE removes them). */
const INVISIBLE_CHARACTER = new RegExp(`^${INVISIBLE.source}$`);
const NAMED_INVISIBLE_REFERENCES = new RegExp(NAMED_INVISIBLE, 'g');
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  const named = text.replace(NAMED_INVISIBLE_REFERENCES, '');
  if (!named.includes('&#')) return named;
  return named.replace(NUMERIC_REFERENCE, (reference: string, hex: string | undefined, decimal: string | undefined) => {
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    if (code > 0x10ffff) return reference;
    const character = String.fromCodePoint(code);
    return DECODED.test(character) || INVISIBLE_CHARACTER.test(character) ? character : reference;
  });
}

/**
 * A word spelled out letter by letter with one separator between letters, the same throughout ("I-g-n-o-r-e",
 * "I.g.n.o.r.e", "I/g/n/o/r/e", "I g n o r e all previous", "I g n o r e   a l l   p r e v i o u s"): three or
 * more single letters, none next to another letter or a digit, written as the word. An abbreviation ("U.S.A.")
 * is joined too, harmlessly: this text is only what the rules read. One pass by character code, looking at
 * letters only where the same separator follows them and another two characters on: an expression trying
 * `\p{L}` at every letter doubled the cost of normalizing prose.
 */
function joinSeparatedLetters(text: string): string {
  // Letters are spelled out where words stand two spaces apart, or where three ASCII letters are: most text has neither.
  if (!text.includes('  ') && !SEPARATED_LETTERS.test(text)) return text;
  let out = '';
  let copied = 0;
  const length = text.length;
  for (let index = 0; index + 4 < length; index += 1) {
    const separator = text.charCodeAt(index + 1);
    if (!isLetterSeparator(separator) || text.charCodeAt(index + 3) !== separator || !isLetterAt(text, index) || (index > 0 && isLetterOrDigitAt(text, index - 1))) continue;
    // The run: single letters `separator` apart, from `index` to `end` (its last letter).
    let end = index;
    while (end + 2 < length && text.charCodeAt(end + 1) === separator && isLetterAt(text, end + 2) && !(end + 3 < length && isLetterOrDigitAt(text, end + 3))) end += 2;
    if (end - index >= 4) {
      let word = '';
      for (let at = index; at <= end; at += 2) word += text[at];
      out += text.slice(copied, index) + word;
      copied = end + 1;
    }
    index = Math.max(index, end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const LETTER = /^\p{L}$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Whether the code unit at `index` is a letter (ASCII by its code; others, rarer, by the expression). */
function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return (code | 32) >= 97 && (code | 32) <= 122;
  return LETTER.test(text[index]!);
}

function isLetterOrDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return ((code | 32) >= 97 && (code | 32) <= 122) || (code >= 48 && code <= 57);
  return LETTER_OR_DIGIT.test(text[index]!);
}

/** Normalizes text for injection matching; the result is what findings quote. */
export function normalizeForInjection(text: string): string {
  if (!NEEDS_NORMALIZING.test(text)) return text;
  const normalized = joinMarkedUpWords(decodeReferences(decodePercentEscapes(text)).normalize('NFKC').replace(INVISIBLE, ''));
  // (Text without Greek or Cyrillic comes back as it is, after the one native search for them.)
  return collapseWhitespace(joinSeparatedLetters(replaceMixedWords(normalized, unconfuse)));
}
