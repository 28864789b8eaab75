/**
 * Groups items by destination and hands each group to `flush` when it holds
 * `maxItems`, when its oldest item waited `maxDelayMs`, or when no item came
 * for `lingerMs` (so a quiet stream does not wait the whole delay). `add`
 * resolves only once the batch holding its items was flushed, and rejects if
 * that flush failed: a bus handler that awaits it commits its record only
 * after the record's documents are in the index.
 */

/** Limits of a {@link Batcher}. */
export interface BatchLimits {
  /** Items that trigger a flush at once (a batch exceeds it by at most one `add`). */
  maxItems: number;
  /** Longest wait of the oldest item before its batch is flushed, in ms. */
  maxDelayMs: number;
  /** Flush once no item arrived for this long, in ms; 0 disables it. */
  lingerMs: number;
}

/** Writes one batch; throwing fails every `add` in it. */
export type FlushBatch<T> = (destination: string, items: T[]) => Promise<void>;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Pending<T> {
  items: T[];
  waiters: Waiter[];
  deadline: ReturnType<typeof setTimeout> | undefined;
  linger: ReturnType<typeof setTimeout> | undefined;
}

/** Size- and time-bounded batches per destination. */
export class Batcher<T> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly limits: BatchLimits,
    private readonly flush: FlushBatch<T>,
  ) {}

  /** Adds items to a destination's batch; resolves once that batch was written. */
  add(destination: string, items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    let batch = this.pending.get(destination);
    if (!batch) {
      batch = { items: [], waiters: [], deadline: undefined, linger: undefined };
      this.pending.set(destination, batch);
      batch.deadline = setTimeout(() => this.flushNow(destination), this.limits.maxDelayMs);
    }
    batch.items.push(...items);
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.items.length >= this.limits.maxItems) this.flushNow(destination);
    else if (this.limits.lingerMs > 0) {
      if (batch.linger !== undefined) clearTimeout(batch.linger);
      batch.linger = setTimeout(() => this.flushNow(destination), this.limits.lingerMs);
    }
    return done;
  }

  /** Items waiting, over all destinations. */
  get size(): number {
    let total = 0;
    for (const batch of this.pending.values()) total += batch.items.length;
    return total;
  }

  /** Flushes every pending batch and waits for all flushes in progress. */
  async drain(): Promise<void> {
    for (const destination of [...this.pending.keys()]) this.flushNow(destination);
    await Promise.allSettled([...this.flushing]);
  }

  private flushNow(destination: string): void {
    const batch = this.pending.get(destination);
    if (!batch) return;
    this.pending.delete(destination);
    if (batch.deadline !== undefined) clearTimeout(batch.deadline);
    if (batch.linger !== undefined) clearTimeout(batch.linger);
    const run = (async () => {
      try {
        await this.flush(destination, batch.items);
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of batch.waiters) waiter.reject(error);
      }
    })();
    this.flushing.add(run);
    void run.finally(() => this.flushing.delete(run));
  }
}
