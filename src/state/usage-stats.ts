import { appendedNumber, insertedNumber } from '../text/compact-array.js';

/**
 * Slices of the window its spend is kept in: calls within one slice share an entry, so a session
 * holds at most this many (and a burst of calls, or a replayed trace, never more), and the rate is
 * exact to a slice (3.5 s of the default 15 minutes).
 */
const WINDOW_SLICES = 256;

/** The index of the first item of ascending `items` that is not below `value`. */
function firstAtLeast(items: readonly number[], value: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Trailing statistics of model calls: input-token median and burn rate over a time window. */
export class UsageStats {
  private inputTokens: number[] = [];
  /** The same samples in ascending order, kept as they come and go: the median is read at every model call, never sorted for. */
  private sortedInputs: number[] = [];
  /** Model calls in the current window, one entry per slice: its first call's time and the slice's tokens, side by side (no object per entry). */
  private times: number[] = [];
  private spends: number[] = [];
  /** The tokens of the entries kept: the window's spend, without adding them up at every call. */
  private windowSpend = 0;
  private firstAt: number | undefined;
  private totalTokens = 0;
  private largestOutput: number | undefined;
  private readonly sliceMs: number;

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples = 256,
  ) {
    this.sliceMs = Math.max(1, windowMs / WINDOW_SLICES);
  }

  medianInputTokens(): number | undefined {
    const sorted = this.sortedInputs;
    if (sorted.length === 0) return undefined;
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  /** The largest output of the session's calls so far. */
  largestOutputTokens(): number | undefined {
    return this.largestOutput;
  }

  recordOutput(outputTokens: number): void {
    if (this.largestOutput === undefined || outputTokens > this.largestOutput) this.largestOutput = outputTokens;
  }

  /** The largest input of the recent calls (the conservative default for a call with no estimate). */
  largestInputTokens(): number | undefined {
    return this.sortedInputs.at(-1);
  }

  get sampleCount(): number {
    return this.inputTokens.length;
  }

  /** Entries the window holds: at most one per slice (WINDOW_SLICES of them, and the one a new call opens). */
  get windowEntries(): number {
    return this.times.length;
  }

  /**
   * Tokens in the window ending at `at` (counting `tokens` now) against the session's average per
   * window before it. `undefined` until the session has a full window of history.
   */
  burnRate(at: number, tokens: number): { windowTokens: number; trailingAverage: number } | undefined {
    if (this.firstAt === undefined) return undefined;
    const windowStart = at - this.windowMs;
    const history = windowStart - this.firstAt;
    if (history < this.windowMs) return undefined;
    const windowTokens = tokens + this.spentAfter(windowStart);
    const before = this.totalTokens + tokens - windowTokens;
    if (before <= 0) return undefined;
    return { windowTokens, trailingAverage: (before / history) * this.windowMs };
  }

  /** Tokens spent in the window ending at `at`, per minute: the session's current burn rate. */
  ratePerMinute(at: number | undefined): number | undefined {
    if (at === undefined || this.firstAt === undefined) return undefined;
    const windowStart = at - this.windowMs;
    const tokens = this.spentAfter(windowStart);
    const span = Math.max(at - Math.max(windowStart, this.firstAt), 60_000);
    return (tokens / span) * 60_000;
  }

  record(at: number | undefined, inputTokens: number | undefined, tokens: number): void {
    if (inputTokens !== undefined) {
      this.inputTokens = appendedNumber(this.inputTokens, inputTokens);
      this.sortedInputs = insertedNumber(this.sortedInputs, firstAtLeast(this.sortedInputs, inputTokens), inputTokens);
      if (this.inputTokens.length > this.maxSamples) this.sortedInputs.splice(firstAtLeast(this.sortedInputs, this.inputTokens.shift()!), 1);
    }
    if (at === undefined) return;
    this.firstAt ??= at;
    this.totalTokens += tokens;
    this.windowSpend += tokens;
    const last = this.times.length - 1;
    if (last >= 0 && Math.floor(this.times[last]! / this.sliceMs) === Math.floor(at / this.sliceMs)) this.spends[last]! += tokens;
    else {
      this.times = appendedNumber(this.times, at);
      this.spends = appendedNumber(this.spends, tokens);
    }
    // Only the current window is needed entry by entry; older spend lives on in totalTokens.
    while (this.times.length > 0 && this.times[0]! <= at - this.windowMs) {
      this.times.shift();
      this.windowSpend -= this.spends.shift()!;
    }
  }

  /** Tokens of the entries after `windowStart`: the window's spend less what has left it since the last call was recorded. */
  private spentAfter(windowStart: number): number {
    let tokens = this.windowSpend;
    for (let index = 0; index < this.times.length && this.times[index]! <= windowStart; index += 1) tokens -= this.spends[index]!;
    return tokens;
  }
}
