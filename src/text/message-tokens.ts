import { forEachTokenBetween } from './tokens.js';
import { forEachGroupedNumberBetween, mayHoldGroupedNumbers } from './grouped-numbers.js';
import { forEachCodeInPartsBetween, mayHoldCodesInParts } from './code-parts.js';
import { runInSlices } from './in-slices.js';
import { forEachPhoneNumberBetween, mayHoldPhoneNumbers } from './phone-numbers.js';
import { forEachCutAddressBetween, mayHoldCutAddresses } from './mail-local-parts.js';

/**
 * The ids a message vouches for: its distinct tokens, the digits of its numbers in groups, the keys of its
 * codes in parts, the forms of its phone numbers and its addresses read whole (`joined-forms.ts`), up to a cap.
 */
export interface MessageTokens {
  tokens: string[];
  /** Token occurrences left out past the cap (0 when none). */
  dropped: number;
}

/** Characters read between two looks at the clock. */
const SLICE_CHARS = 32_768;

/**
 * Reads a user or system message for the ids it vouches for, in slices: a pasted 2 MB document took
 * 200-300 ms in one block. Distinct tokens only (a word repeated 100,000 times is recorded once), and
 * at most `maxTokens` of them, as for any one piece of content.
 */
class MessageTokenizer {
  private readonly seen = new Set<string>();
  readonly tokens: string[] = [];
  dropped = 0;
  private tokensAt = 0;
  private groupsAt: number;
  private codesAt: number;
  private phonesAt: number;
  private addressesAt: number;

  constructor(
    private readonly text: string,
    private readonly maxTokens: number,
  ) {
    this.groupsAt = mayHoldGroupedNumbers(text) ? 0 : text.length;
    this.codesAt = mayHoldCodesInParts(text) ? 0 : text.length;
    this.phonesAt = mayHoldPhoneNumbers(text) ? 0 : text.length;
    this.addressesAt = mayHoldCutAddresses(text) ? 0 : text.length;
  }

  private readonly add = (token: string): void => {
    if (this.seen.has(token)) return;
    if (this.tokens.length >= this.maxTokens) {
      this.dropped += 1;
      return;
    }
    this.seen.add(token);
    this.tokens.push(token);
  };

  /** Reads until done (true) or until `deadline` (performance-clock ms) passes (false). */
  run(deadline: number): boolean {
    const { text } = this;
    while (this.tokensAt < text.length) {
      this.tokensAt = forEachTokenBetween(text, this.tokensAt, this.tokensAt + SLICE_CHARS, this.add);
      if (performance.now() > deadline) return false;
    }
    while (this.groupsAt < text.length) {
      this.groupsAt = forEachGroupedNumberBetween(text, this.groupsAt, this.groupsAt + SLICE_CHARS, this.add);
      if (performance.now() > deadline) return false;
    }
    while (this.codesAt < text.length) {
      this.codesAt = forEachCodeInPartsBetween(text, this.codesAt, this.codesAt + SLICE_CHARS, this.add);
      if (performance.now() > deadline) return false;
    }
    while (this.phonesAt < text.length) {
      this.phonesAt = forEachPhoneNumberBetween(text, this.phonesAt, this.phonesAt + SLICE_CHARS, this.add);
      if (performance.now() > deadline) return false;
    }
    while (this.addressesAt < text.length) {
      this.addressesAt = forEachCutAddressBetween(text, this.addressesAt, this.addressesAt + SLICE_CHARS, this.add);
      if (performance.now() > deadline) return false;
    }
    return true;
  }

  result(): MessageTokens {
    return { tokens: this.tokens, dropped: this.dropped };
  }
}

/** The message's tokens in one go. */
export function messageTokens(text: string, maxTokens: number): MessageTokens {
  const tokenizer = new MessageTokenizer(text, maxTokens);
  tokenizer.run(Infinity);
  return tokenizer.result();
}

/** The same, in slices of about `sliceMs` with a yield between them when the text is long. */
export function messageTokensSliced(text: string, maxTokens: number, sliceMs: number): MessageTokens | Promise<MessageTokens> {
  return runInSlices(new MessageTokenizer(text, maxTokens), sliceMs);
}

/** Messages read ahead (`readMessageAhead`), by event object, until their event is applied. */
const readAhead = new WeakMap<object, MessageTokens>();

/**
 * Reads a message's tokens before its event is decided, in slices when long, so applying the event
 * (synchronous) takes them ready. `event` is the key `messageTokensOf` is asked with.
 */
export function readMessageAhead(event: object, text: string, maxTokens: number, sliceMs: number): void | Promise<void> {
  const read = messageTokensSliced(text, maxTokens, sliceMs);
  if (read instanceof Promise) return read.then((done) => void readAhead.set(event, done));
  readAhead.set(event, read);
}

/** The message's tokens: read ahead for this event, or read now. */
export function messageTokensOf(event: object, text: string, maxTokens: number): MessageTokens {
  const ready = readAhead.get(event);
  if (ready === undefined) return messageTokens(text, maxTokens);
  readAhead.delete(event);
  return ready;
}
