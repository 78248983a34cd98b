/** Whether progress may be drawn: an interactive stderr, and neither `--json` nor `--quiet`. */
export function progressWanted(options: { json?: boolean; quiet?: boolean }, stream: NodeJS.WriteStream = process.stderr): boolean {
  return stream.isTTY === true && !options.json && !options.quiet;
}

/** About a second; `WARDEN_PROGRESS_DELAY_MS` sets it (tests use 0 to see progress without a slow input). */
function progressDelay(): number {
  const configured = Number(process.env.WARDEN_PROGRESS_DELAY_MS);
  return Number.isFinite(configured) && configured >= 0 ? configured : 1_000;
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * A one-line progress display on an interactive terminal: appears only when the work has run for
 * `delayMs` (so quick commands print nothing), redrawn a few times a second, erased when done.
 */
export class Progress {
  events = 0;
  phase: string | undefined;
  private readonly sessions = new Set<string>();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    delayMs = progressDelay(),
  ) {
    if (!enabled) return;
    this.timer = setTimeout(() => {
      this.draw();
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
    }, delayMs);
    this.timer.unref();
  }

  /** Counts one event of a session. */
  event(sessionId: string): void {
    this.events += 1;
    if (this.enabled) this.sessions.add(sessionId);
  }

  private draw(): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.events / seconds : 0;
    const phase = this.phase ? `${this.phase}: ` : '';
    this.stream.write(`\r\u001b[K${this.label}: ${phase}${format(this.events)} events, ${format(this.sessions.size)} sessions, ${format(rate)} events/s, ${seconds.toFixed(0)} s`);
    this.shown = true;
  }

  /** Stops redrawing and erases the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }

  elapsed(): string {
    const ms = Date.now() - this.started;
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
  }
}
