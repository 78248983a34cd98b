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

/** One reader of a message: resumable from a position, reading on past `until` only to finish what it is in. */
type ReadBetween = (text: string, from: number, until: number, visit: (token: string) => void) => number;

/**
 * The readers, in order, each with the cheap test that tells a message it can find nothing in (those are
 * skipped whole): the token reader reads every message.
 */
const READERS: ReadonlyArray<{ read: ReadBetween; mayHold?: (text: string) => boolean }> = [
  { read: forEachTokenBetween },
  { read: forEachGroupedNumberBetween, mayHold: mayHoldGroupedNumbers },
  { read: forEachCodeInPartsBetween, mayHold: mayHoldCodesInParts },
  { read: forEachPhoneNumberBetween, mayHold: mayHoldPhoneNumbers },
  { read: forEachCutAddressBetween, mayHold: mayHoldCutAddresses },
];

/**
 * Reads a user or system message for the ids it vouches for, in slices: a pasted 2 MB document took
 * 200-300 ms in one block. Distinct tokens only (a word repeated 100,000 times is recorded once), and
 * at most `maxTokens` of them, as for any one piece of content.
 */
class MessageTokenizer {
  private readonly seen = new Set<string>();
  readonly tokens: string[] = [];
  dropped = 0;
  /** Where each of `READERS` reads on from (the text's length once it is done, or when it can find nothing). */
  private readonly at: number[];

  constructor(
    private readonly text: string,
    private readonly maxTokens: number,
  ) {
    this.at = READERS.map(({ mayHold }) => (mayHold === undefined || mayHold(text) ? 0 : text.length));
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
    const { text, at } = this;
    for (let reader = 0; reader < READERS.length; reader += 1) {
      const { read } = READERS[reader]!;
      while (at[reader]! < text.length) {
        at[reader] = read(text, at[reader]!, at[reader]! + SLICE_CHARS, this.add);
        if (performance.now() > deadline) return false;
      }
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
