import { describe, expect, it } from 'vitest';
import { MessageFeed } from '../../src/index.js';
import { estimateTokens } from '../../src/protocol/message-feed.js';

const user = (text: string) => ({ role: 'user', text });
const system = (text: string) => ({ role: 'system', text });
const assistant = (text: string) => ({ role: 'assistant', text });

describe('MessageFeed', () => {
  it('passes on only the trusted messages a growing conversation adds', () => {
    const feed = new MessageFeed();
    expect(feed.unseen([system('Be brief.'), user('Where is ord_1001?')])).toEqual([system('Be brief.'), user('Where is ord_1001?')]);
    expect(feed.unseen([system('Be brief.'), user('Where is ord_1001?'), assistant('Checking.'), { role: 'tool', text: '{}' }])).toEqual([]);
    // The same words said again later are a new message.
    expect(feed.unseen([system('Be brief.'), user('Where is ord_1001?'), assistant('Checking.'), { role: 'tool', text: '{}' }, user('Where is ord_1001?')])).toEqual([user('Where is ord_1001?')]);
  });

  it('feeds only never-fed messages when the history is rewritten (trimmed, or other instructions)', () => {
    const feed = new MessageFeed();
    feed.unseen([system('Agent A.'), user('first'), assistant('a'), user('second')]);
    // A handoff: new instructions in front, the same conversation after them.
    expect(feed.unseen([system('Agent B.'), user('first'), assistant('a'), user('second')])).toEqual([system('Agent B.')]);
    // A summarised history, shorter than what was seen, with one new user message.
    expect(feed.unseen([system('Agent B.'), user('summary of before'), user('third')])).toEqual([user('summary of before'), user('third')]);
  });

  it('remembers a bounded number of fed messages', () => {
    const feed = new MessageFeed();
    const many = Array.from({ length: 3_000 }, (_, index) => user(`message ${index}`));
    expect(feed.unseen(many)).toHaveLength(3_000);
    // Rewritten: the oldest have been forgotten (fed again), the newest are still known.
    const again = feed.unseen([system('new'), ...many]);
    expect(again[0]).toEqual(system('new'));
    expect(again.some((message) => message.text === 'message 2999')).toBe(false);
    expect(again.some((message) => message.text === 'message 0')).toBe(true);
  });

  it('estimates about four characters a token', () => {
    expect(estimateTokens([user('x'.repeat(400)), assistant('y'.repeat(41))])).toBe(111);
    expect(estimateTokens([])).toBe(0);
  });
});
