import { joinedNumbersOf } from './grouped-numbers.js';
import { forEachCodeInParts } from './code-parts.js';
import { forEachPhoneNumber } from './phone-numbers.js';
import { forEachCutAddress } from './mail-local-parts.js';

/**
 * The ids a content vouches for beyond its tokens, written as a model may pass them: the digits of its
 * numbers in groups joined (`grouped-numbers.ts`), the keys of its codes in parts (`code-parts.ts`), the
 * forms of its phone numbers (`phone-numbers.ts`) and its addresses whose local part the token reader cuts,
 * whole (`mail-local-parts.ts`); all but the first read in `text`, the start of the content kept as text.
 * Tokens and digits in `except` are left out.
 */
export function joinedFormsOf(content: { tokenList: readonly string[]; text: string }, except?: ReadonlySet<string>): string[] {
  const found = joinedNumbersOf(content, except);
  const add = (form: string) => void found.push(form);
  forEachCodeInParts(content.text, add);
  forEachDestinationForm(content.text, add);
  return found;
}

/**
 * The destinations a text writes in forms its tokens do not name: every form of its phone numbers and its
 * addresses read whole. What vouches for a destination (content, a session's entities, a tool's definition)
 * and what a call echoes are read with this, so every side reads a destination the same way.
 */
export function forEachDestinationForm(text: string, visit: (form: string) => void): void {
  forEachPhoneNumber(text, visit);
  forEachCutAddress(text, visit);
}
