/** Whether `text` holds an ASCII digit: ids mostly do, words and noise names never. (A loop: cheaper than a regex on short keys.) */
export function hasDigit(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}
