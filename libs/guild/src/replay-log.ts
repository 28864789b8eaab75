/**
 * A bounded log of a guild's recent stream items, for gateway nodes that
 * reopen their stream with a cursor. Oldest items fall off first.
 */
import type { guildV1 } from '@chat/proto';

/** Bounded per-guild replay log. */
export class ReplayLog {
  private readonly items: guildV1.DispatchItem[] = [];
  private start = 0;
  /** Whether any item ever fell off (the log then no longer holds everything since the actor activated). */
  private dropped = false;

  /** @param capacity items kept (at least 1) */
  constructor(private readonly capacity: number) {}

  /** Appends an item (sequences must ascend). */
  append(item: guildV1.DispatchItem): void {
    this.items.push(item);
    if (this.items.length - this.start > this.capacity) {
      // Let the item go now: the array is compacted only now and then, and a slot still pointing at a dropped
      // item kept up to `capacity` more items (and their payloads) alive, which read as a leak in the soak.
      (this.items as (guildV1.DispatchItem | undefined)[])[this.start] = undefined;
      this.start += 1;
      this.dropped = true;
    }
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items.splice(0, this.start);
      this.start = 0;
    }
  }

  /** Number of items held. */
  get size(): number {
    return this.items.length - this.start;
  }

  /**
   * After a guild move: every item this actor emitted with a sequence above
   * `after` (a sequence of the previous owner's, so no continuity with this
   * log's). Undefined when an item ever fell off the log, since then it no
   * longer holds everything since the actor activated.
   */
  sinceActivation(after: bigint): guildV1.DispatchItem[] | undefined {
    if (this.dropped) return undefined;
    const out: guildV1.DispatchItem[] = [];
    for (let i = this.start; i < this.items.length; i += 1) {
      const item = this.items[i]!;
      if (BigInt(item.sequence) > after) out.push(item);
    }
    return out;
  }

  /**
   * Items with a sequence above `after`, or undefined when the log no longer
   * holds all of them (the cursor is too old).
   */
  since(after: bigint): guildV1.DispatchItem[] | undefined {
    const first = this.items[this.start];
    if (first === undefined) return [];
    if (BigInt(first.sequence) > after + 1n) return undefined;
    const out: guildV1.DispatchItem[] = [];
    for (let i = this.start; i < this.items.length; i += 1) {
      const item = this.items[i]!;
      if (BigInt(item.sequence) > after) out.push(item);
    }
    return out;
  }
}
