/**
 * Publishes off the request path, in order per key. A write is answered once
 * it and its outbox entry are durable; its event then waits here for the bus
 * (Kafka) without holding the caller. Items of one key (a channel) run one at
 * a time in the order queued, so one channel's events reach consumers in
 * order; different keys run side by side. When a publish fails, the items of
 * that key still queued behind it are skipped rather than tried one by one
 * against a broker that is down: they stay in the outbox, and recovery
 * publishes them in event-id order. Past `maxPending` queued items a new one
 * is refused (the caller hands it to recovery), so an outage costs bounded
 * memory.
 */

/** One publish waiting in a {@link KeyedPublishQueue}. */
export interface QueuedPublish {
  /** Orders items: one key's items run one at a time, in order. */
  readonly key: string;
  /** Publishes; resolves false when it failed (never rejects). */
  run(): Promise<boolean>;
  /** Called instead of `run` when an earlier item of the key failed or the queue was closed. */
  skip(): void;
}

/** Per-key FIFO publishing with a bound on what waits. */
export class KeyedPublishQueue {
  private readonly byKey = new Map<string, QueuedPublish[]>();
  private count = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly maxPending: number) {}

  /** Items queued or running. */
  get pending(): number {
    return this.count;
  }

  /** Queues an item; false (and nothing queued) when the queue is full or closed. */
  enqueue(item: QueuedPublish): boolean {
    if (this.closed || this.count >= this.maxPending) return false;
    this.count += 1;
    const queue = this.byKey.get(item.key);
    if (queue) {
      queue.push(item);
      return true;
    }
    const fresh = [item];
    this.byKey.set(item.key, fresh);
    void this.drain(item.key, fresh);
    return true;
  }

  /** Resolves once nothing is queued or running. */
  settled(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops publishing: what is queued and not yet running is skipped; a publish under way is not waited for. */
  close(): void {
    this.closed = true;
  }

  private async drain(key: string, queue: QueuedPublish[]): Promise<void> {
    let failed = false;
    for (let item = queue[0]; item !== undefined; item = queue[0]) {
      if (failed || this.closed) item.skip();
      else failed = !(await item.run());
      queue.shift();
      this.count -= 1;
    }
    this.byKey.delete(key);
    if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
