/**
 * Latin letters dressed up: accents and other marks ("Ïgnörë àll prévïöüs ïnstrüctïöns"), stacked
 * combining marks (Zalgo text, a strike-through "I̶g̶n̶o̶r̶e̶"), small capitals ("ɪɢɴᴏʀᴇ"), the dotless ı
 * and letters with a stroke (ł, ø, đ). A model reads the English words; rules written for them do not.
 * `foldLatinLetters` writes each such letter as its base letter and drops the marks on a Latin letter,
 * for a second reading of text that holds them (the scanner's folded pass): the first reading keeps
 * the accents that French, German or Spanish rules are written with.
 */

/** The base letter of each folded character, by code (0: not folded). */
const BASE = new Uint16Array(0x10000);
// Latin-1 Supplement, Extended-A and -B, and Extended Additional (Vietnamese's stacked accents, "Ḯ").
for (const [first, last] of [[0xc0, 0x24f], [0x1e00, 0x1eff]] as const) {
  for (let code = first; code <= last; code += 1) {
    const base = String.fromCharCode(code).normalize('NFD').charCodeAt(0);
    if ((base >= 65 && base <= 90) || (base >= 97 && base <= 122)) BASE[code] = base;
  }
}
// Letters NFD leaves whole: a stroke or no dot is part of the letter, not a mark.
for (const [letters, base] of [
  ['ıɩ', 'i'], ['łŀƚ', 'l'], ['ŁĿȽ', 'L'], ['øǿ', 'o'], ['ØǾ', 'O'], ['đɗ', 'd'], ['ĐƉ', 'D'], ['ħ', 'h'], ['Ħ', 'H'], ['ŧ', 't'], ['Ŧ', 'T'], ['ƀ', 'b'], ['ɑ', 'a'],
  // Small capitals, drawn as capitals the height of small letters.
  ['ᴀ', 'a'], ['ʙ', 'b'], ['ᴄ', 'c'], ['ᴅ', 'd'], ['ᴇ', 'e'], ['ꜰ', 'f'], ['ɢ', 'g'], ['ʜ', 'h'], ['ɪ', 'i'], ['ᴊ', 'j'], ['ᴋ', 'k'], ['ʟ', 'l'], ['ᴍ', 'm'],
  ['ɴ', 'n'], ['ᴏ', 'o'], ['ᴘ', 'p'], ['ʀ', 'r'], ['ꜱ', 's'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'], ['ᴡ', 'w'], ['ʏ', 'y'], ['ᴢ', 'z'],
] as const) {
  for (const letter of letters) BASE[letter.charCodeAt(0)] = base.charCodeAt(0);
}

/** Combining marks: diacritics, their extensions and supplements, marks for symbols, half marks. */
function isCombiningMark(code: number): boolean {
  return (code >= 0x300 && code <= 0x36f) || (code >= 0x1ab0 && code <= 0x1aff) || (code >= 0x1dc0 && code <= 0x1dff) || (code >= 0x20d0 && code <= 0x20ff) || (code >= 0xfe20 && code <= 0xfe2f);
}

function isAsciiLetter(code: number): boolean {
  return (code | 32) >= 97 && (code | 32) <= 122;
}

/** Any character the fold changes (one native search: most text holds none). */
const MAY_FOLD = /[\u00C0-\u024F\u0250-\u02AF\u1D00-\u1D2B\u1E00-\u1EFF\uA730\uA731\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F]/;

/**
 * `text` with dressed-up Latin letters written as their base letters and the combining marks on a Latin
 * letter dropped (marks on any other letter, which its script needs, stay); `text` itself when nothing changes.
 * `changed`, when given, receives where in the result each change is (in order). One pass by character code.
 */
export function foldLatinLetters(text: string, changed?: number[]): string {
  if (!MAY_FOLD.test(text)) return text;
  let out = '';
  let copied = 0;
  let any = false;
  // Whether the last character kept is a Latin letter (its marks are dropped).
  let afterLatin = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const base = BASE[code]!;
    if (base !== 0) {
      out += text.slice(copied, index) + String.fromCharCode(base);
      copied = index + 1;
      any = true;
      afterLatin = true;
      changed?.push(out.length - 1);
    } else if (isCombiningMark(code)) {
      if (afterLatin) {
        out += text.slice(copied, index);
        copied = index + 1;
        any = true;
        changed?.push(out.length);
      }
    } else afterLatin = isAsciiLetter(code);
  }
  return any ? out + text.slice(copied) : text;
}
