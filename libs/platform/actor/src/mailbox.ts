/**
 * FIFO queue of one actor, optionally bounded. Amortised O(1) push and
 * shift: a growing array with a head index, compacted when half is dead.
 */

/** A FIFO with an optional capacity. */
export class Mailbox<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** @param capacity maximum queued items; `Infinity` for unbounded. */
  constructor(readonly capacity: number = Number.POSITIVE_INFINITY) {}

  /** Number of queued items. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends `item`; returns false (and queues nothing) when full. */
  offer(item: T): boolean {
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every queued item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }
}
