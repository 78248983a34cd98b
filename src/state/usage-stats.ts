import { appendedNumber } from '../text/compact-array.js';

/** Trailing statistics of model calls: input-token median and burn rate over a time window. */
export class UsageStats {
  private inputTokens: number[] = [];
  /** Model calls in the current window: times and tokens side by side (no object per call). */
  private times: number[] = [];
  private spends: number[] = [];
  private firstAt: number | undefined;
  private totalTokens = 0;
  private largestOutput: number | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples = 256,
  ) {}

  medianInputTokens(): number | undefined {
    if (this.inputTokens.length === 0) return undefined;
    const sorted = [...this.inputTokens].sort((a, b) => a - b);
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
    let largest: number | undefined;
    for (const tokens of this.inputTokens) if (largest === undefined || tokens > largest) largest = tokens;
    return largest;
  }

  get sampleCount(): number {
    return this.inputTokens.length;
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
    let windowTokens = tokens;
    for (let index = this.times.length - 1; index >= 0 && this.times[index]! > windowStart; index -= 1) windowTokens += this.spends[index]!;
    const before = this.totalTokens + tokens - windowTokens;
    if (before <= 0) return undefined;
    return { windowTokens, trailingAverage: (before / history) * this.windowMs };
  }

  /** Tokens spent in the window ending at `at`, per minute: the session's current burn rate. */
  ratePerMinute(at: number | undefined): number | undefined {
    if (at === undefined || this.firstAt === undefined) return undefined;
    const windowStart = at - this.windowMs;
    let tokens = 0;
    for (let index = this.times.length - 1; index >= 0 && this.times[index]! > windowStart; index -= 1) tokens += this.spends[index]!;
    const span = Math.max(at - Math.max(windowStart, this.firstAt), 60_000);
    return (tokens / span) * 60_000;
  }

  record(at: number | undefined, inputTokens: number | undefined, tokens: number): void {
    if (inputTokens !== undefined) {
      this.inputTokens = appendedNumber(this.inputTokens, inputTokens);
      if (this.inputTokens.length > this.maxSamples) this.inputTokens.shift();
    }
    if (at === undefined) return;
    this.firstAt ??= at;
    this.totalTokens += tokens;
    this.times = appendedNumber(this.times, at);
    this.spends = appendedNumber(this.spends, tokens);
    // Only the current window is needed item by item; older spend lives on in totalTokens.
    while (this.times.length > 0 && this.times[0]! <= at - this.windowMs) {
      this.times.shift();
      this.spends.shift();
    }
  }
}
