/**
 * Characters that show nothing or move what is around them: C0/C1 controls (newline, tab and carriage return
 * aside), soft hyphen, the bidi embeddings, overrides, isolates and marks (U+202A-202E, U+2066-2069,
 * U+200E/F, U+061C) that reorder text, zero-width spaces and joiners, word joiner and invisible operators,
 * line separators, BOM, and the tag characters that spell hidden ASCII. Text a trace holds is shown with
 * each of them as a visible `<U+202E>`, so what the page shows is what the trace says.
 */
export const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/gu;

/** `U+202E`: the code point of a character, as Unicode writes it. */
export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with each invisible or reordering character written out as `<U+XXXX>` (for a title, an attribute). */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (char) => `<${codePointName(char)}>`);
}
