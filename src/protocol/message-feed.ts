import { createHash } from 'node:crypto';
import type { MessageRole } from '../trace/events.js';
import { takeOldest } from '../text/oldest-first.js';

/** One message of a model request, reduced to what the guard reads. */
export interface ConversationMessage {
  /** `user` and `system` messages are trusted context; other roles are skipped. */
  role: string;
  text: string;
}

/** Fed messages a feed remembers, at most, to recognise a rewritten history. */
const MAX_REMEMBERED = 1_024;

function keyOf(message: ConversationMessage): string {
  return createHash('sha1').update(message.role).update('\u0000').update(message.text).digest('base64url');
}

function isFed(message: ConversationMessage): message is ConversationMessage & { role: MessageRole } {
  return message.role === 'user' || message.role === 'system';
}

/**
 * Frameworks resend the whole conversation with every model call: a feed passes on only what the
 * session has not seen. A request that extends the last one is new past its end; a rewritten history
 * (trimmed, summarised, another agent's instructions) feeds only messages never fed before.
 * @example
 * const feed = new MessageFeed(); // one per conversation
 * await session.guardModelCall({ model: 'gpt-4o', messages: [{ role: 'user', text }], feed }, callModel, toOutput);
 */
export class MessageFeed {
  private seen = 0;
  private firstKey: string | undefined;
  private lastKey: string | undefined;
  private readonly fed = new Set<string>();

  /** The trusted-context messages of `messages` the session has not been given yet, in order. */
  unseen(messages: readonly ConversationMessage[]): Array<ConversationMessage & { role: MessageRole }> {
    // Both ends of what was seen must be unchanged: new instructions or a trimmed history is a rewrite.
    const extends_ = this.seen === 0 || (messages.length >= this.seen && keyOf(messages[0]!) === this.firstKey && keyOf(messages[this.seen - 1]!) === this.lastKey);
    const fresh: Array<ConversationMessage & { role: MessageRole }> = [];
    const keys: string[] = [];
    messages.forEach((message, index) => {
      if (extends_ && index < this.seen) return;
      if (!isFed(message)) return;
      const key = keyOf(message);
      if (!extends_ && this.fed.has(key)) return;
      keys.push(key);
      fresh.push(message);
    });
    // Remembered after the whole request is read, so what it feeds cannot evict what it skips.
    for (const key of keys) this.remember(key);
    if (messages.length > 0) {
      this.seen = messages.length;
      this.firstKey = keyOf(messages[0]!);
      this.lastKey = keyOf(messages[messages.length - 1]!);
    }
    return fresh;
  }

  private remember(key: string): void {
    this.fed.delete(key);
    this.fed.add(key);
    if (this.fed.size > MAX_REMEMBERED) takeOldest(this.fed);
  }
}

/** A rough input size for budget admission before the provider counts: about four characters a token. */
export function estimateTokens(messages: readonly ConversationMessage[]): number {
  let characters = 0;
  for (const message of messages) characters += message.text.length;
  return Math.ceil(characters / 4);
}
