/**
 * Chinese, Japanese and Korean text is written without spaces, ids included (`注文番号W2378156です`,
 * `订单号W2378156还没到`, `주문번호W2378156`), and typed on a CJK keyboard in full-width forms
 * (`Ｗ２３７８１５６`). Where CJK letters meet other letters an id begins or ends (`unspaced-scripts.ts`), and a
 * full-width character is the ASCII one it stands for.
 */

/** `！` to `～`: the full-width forms of printable ASCII, each `0xFEE0` above it (a test, then every one replaced). */
const FULL_WIDTH_CHARACTER = /[\uFF01-\uFF5E]/;
const FULL_WIDTH = new RegExp(FULL_WIDTH_CHARACTER.source, 'g');
const FULL_WIDTH_OFFSET = 0xfee0;

/** Whether `text` holds a full-width form of ASCII. */
export function hasFullWidth(text: string): boolean {
  return FULL_WIDTH_CHARACTER.test(text);
}

/**
 * `text` with full-width ASCII read as ASCII (`Ｗ２３７８１５６` as `W2378156`), one code unit for one,
 * so positions in it are positions in `text`. (NFKC folds these too, and more, but changes lengths.)
 */
export function foldFullWidth(text: string): string {
  return hasFullWidth(text) ? text.replace(FULL_WIDTH, (char) => String.fromCharCode(char.charCodeAt(0) - FULL_WIDTH_OFFSET)) : text;
}
