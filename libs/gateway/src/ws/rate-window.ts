/**
 * Counts events in a sliding window: `hit()` is false once more than `limit`
 * events fell within the last `windowMs` (Discord's 120 per 60 s → 4008).
 */
export class RateWindow {
  private readonly times: number[];
  private next = 0;
  private filled = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.times = new Array<number>(Math.max(1, limit)).fill(0);
  }

  /** Records one event; false when it exceeds the limit. */
  hit(): boolean {
    const t = this.now();
    // The slot being overwritten holds the event `limit` events ago.
    const oldest = this.times[this.next] ?? 0;
    const over = this.filled >= this.limit && t - oldest < this.windowMs;
    this.times[this.next] = t;
    this.next = (this.next + 1) % this.times.length;
    if (this.filled < this.limit) this.filled += 1;
    return !over;
  }
}
