import { describe, expect, it } from 'vitest';
import { UsageStats } from '../../src/state/usage-stats.js';

const WINDOW = 15 * 60_000;

/** Tokens of the calls after `from`: the reference the stats are held to. */
const spentAfter = (calls: ReadonlyArray<{ at: number; tokens: number }>, from: number) => calls.reduce((sum, call) => (call.at > from ? sum + call.tokens : sum), 0);

describe('usage stats over the burn-rate window', () => {
  it('keep at most one entry per slice of the window, however many calls come at once', () => {
    const stats = new UsageStats(WINDOW);
    for (let index = 0; index < 100_000; index += 1) stats.record(1_000_000 + index, 100, 120);
    expect(stats.windowEntries).toBeLessThanOrEqual(257);
    // 100,000 calls within 100 seconds: all in the window.
    expect(stats.ratePerMinute(1_100_000)).toBe(((100_000 * 120) / 100_000) * 60_000);
  });

  it('give the window spend of the calls after its start, to a slice of the window (random calls over hours)', () => {
    const stats = new UsageStats(WINDOW);
    const calls: Array<{ at: number; tokens: number }> = [];
    const slice = WINDOW / 256;
    let at = 1_700_000_000_000;
    let state = 9;
    const next = (below: number) => (state = (Math.imul(state ^ (state >>> 13), 1_103_515_245) + 12_345) >>> 0) % below;
    for (let index = 0; index < 6_000; index += 1) {
      at += next(3) === 0 ? next(60_000) : next(2_000);
      const tokens = 1 + next(5_000);
      stats.record(at, tokens, tokens);
      calls.push({ at, tokens });
      const query = at + next(30_000);
      const rate = stats.ratePerMinute(query)!;
      const span = Math.max(query - Math.max(query - WINDOW, calls[0]!.at), 60_000);
      // A slice's calls leave the window with its first: up to one slice early, never late.
      const most = spentAfter(calls, query - WINDOW);
      const least = spentAfter(calls, query - WINDOW + slice);
      expect(rate * span / 60_000).toBeLessThanOrEqual(most + 1e-6);
      expect(rate * span / 60_000).toBeGreaterThanOrEqual(least - 1e-6);
      const burn = stats.burnRate(query, 7);
      if (burn) {
        expect(burn.windowTokens).toBeLessThanOrEqual(most + 7);
        expect(burn.windowTokens).toBeGreaterThanOrEqual(least + 7);
      }
      expect(stats.windowEntries).toBeLessThanOrEqual(257);
    }
  });

  it('give the median and the largest of the last samples, as sorting them would (random inputs, with repeats, past the sample bound)', () => {
    const stats = new UsageStats(WINDOW, 32);
    const samples: number[] = [];
    let state = 5;
    const next = (below: number) => (state = (Math.imul(state ^ (state >>> 13), 1_103_515_245) + 12_345) >>> 0) % below;
    for (let index = 0; index < 2_000; index += 1) {
      const tokens = next(4) === 0 ? 1_000 : next(50_000);
      stats.record(undefined, tokens, tokens);
      samples.push(tokens);
      const last = [...samples.slice(-32)].sort((a, b) => a - b);
      const middle = last.length >> 1;
      expect(stats.medianInputTokens()).toBe(last.length % 2 === 1 ? last[middle] : (last[middle - 1]! + last[middle]!) / 2);
      expect(stats.largestInputTokens()).toBe(last.at(-1));
      expect(stats.sampleCount).toBe(last.length);
    }
    // A call without an input count is no sample.
    stats.record(undefined, undefined, 10);
    expect(stats.sampleCount).toBe(32);
    expect(new UsageStats(WINDOW).medianInputTokens()).toBeUndefined();
  });
});
