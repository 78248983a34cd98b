/**
 * Scripts written without spaces between words, ids included: Chinese, Japanese and Korean (`注文番号W2378156です`,
 * `订单号W2378156还没到`, `주문번호W2378156`), Thai (`หมายเลขคำสั่งซื้อW2378156`), Lao, Khmer and Myanmar. Where
 * their letters (and the vowel signs and tone marks written on them) meet other letters or digits, an id
 * begins or ends: every reader of ids cuts a token there.
 */

const UNSPACED_SCRIPTS = ['Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Thai', 'Lao', 'Khmer', 'Myanmar'] as const;
/**
 * Letters of no script of their own that CJK text writes: Bopomofo's tone marks (`ㄓㄨˋ`), `〆`, the kana
 * repeat marks, `〼`, the prolonged sound mark `ー` and its half-width form, the half-width voiced marks.
 */
const COMMON_CJK_LETTERS = '\\u02C7\\u02C9-\\u02CB\\u3006\\u3031-\\u3035\\u303C\\u30FC\\uFF70\\uFF9E\\uFF9F';

/** The body of a character class (no brackets) of the characters of those scripts, for V8 expressions (`u` or `v` flag). */
export const UNSPACED_CLASS = `${UNSPACED_SCRIPTS.map((script) => `\\p{Script=${script}}`).join('')}${COMMON_CJK_LETTERS}`;

/** The same class for RE2 (`linear-regex.ts`), which names scripts bare (`\p{Han}`). */
export const UNSPACED_CLASS_RE2 = `${UNSPACED_SCRIPTS.map((script) => `\\p{${script}}`).join('')}${COMMON_CJK_LETTERS}`;

/**
 * The marks a letter carries (a class body): combining accents (`é` typed as `e` and U+0301), vowel signs
 * (Devanagari `ा`, Thai `ิ`), viramas. A mark goes on the token of the letter before it; it never starts one.
 */
export const MARK_CLASS = '\\p{Mn}\\p{Mc}';
