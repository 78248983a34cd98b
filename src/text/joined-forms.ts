import { joinedNumbersOf } from './grouped-numbers.js';
import { forEachCodeInParts } from './code-parts.js';

/**
 * The ids a content vouches for beyond its tokens, written as a model may pass them: the digits of its
 * numbers in groups joined (`grouped-numbers.ts`) and the keys of its codes in parts (`code-parts.ts`, read
 * in `text`, the start of the content kept as text). Tokens and digits in `except` are left out.
 */
export function joinedFormsOf(content: { tokenList: readonly string[]; text: string }, except?: ReadonlySet<string>): string[] {
  const found = joinedNumbersOf(content, except);
  forEachCodeInParts(content.text, (key) => found.push(key));
  return found;
}
