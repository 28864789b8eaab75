/**
 * The node-level batcher (after Discord's Manifold): every guild actor on
 * this guild node queues its stream items here per gateway node; a flush
 * tick (every `flushIntervalMs`, or at once when `maxQueuedItems` are
 * waiting) sends, per gateway node, one DispatchBatch frame per guild with
 * everything queued for it. A guild with 1,000 sessions on one gateway node
 * costs one frame per flush, not 1,000 sends. When nothing was flushed for
 * a whole interval (`idleFlush`, the default), the first item goes out at
 * the end of the current event-loop turn instead of waiting out the tick:
 * a lone message does not pay the interval, a busy stream is still batched.
 */
import type { guildV1 } from '@chat/proto';
import { DispatchStream } from './dispatch-stream';
import type { DispatchOutbox } from './guild-fanout';

/** Options of the batcher. */
export interface DispatchBatcherOptions {
  /** Flush tick in ms (default 5). */
  flushIntervalMs?: number;
  /** Flush at once when this many items are queued (default 512). */
  maxQueuedItems?: number;
  /** After an idle interval, flush at the end of the current turn (setImmediate) instead of after the tick (default true). */
  idleFlush?: boolean;
}

/** Counters, for metrics and tests. */
export interface BatcherStats {
  flushes: number;
  frames: number;
  items: number;
}

/** Batches guild stream items per gateway node. */
export class DispatchBatcher implements DispatchOutbox {
  private readonly pending = new Map<string, Map<string, guildV1.DispatchItem[]>>();
  private readonly streams = new Map<string, DispatchStream>();
  private readonly flushIntervalMs: number;
  private readonly maxQueuedItems: number;
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private readonly idleFlush: boolean;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Counters since start. */
  readonly stats: BatcherStats = { flushes: 0, frames: 0, items: 0 };
  /** Told after every flush that sent something: DispatchBatch frames and items it sent (metrics). */
  onFlush: ((frames: number, items: number) => void) | undefined;

  constructor(options: DispatchBatcherOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 5;
    this.maxQueuedItems = options.maxQueuedItems ?? 512;
    this.idleFlush = options.idleFlush ?? true;
  }

  /** Opens the stream of a gateway node (closing an older one of the same node). It starts paused. */
  open(nodeId: string): DispatchStream {
    this.streams.get(nodeId)?.close();
    const stream = new DispatchStream(nodeId);
    this.streams.set(nodeId, stream);
    this.pending.delete(nodeId);
    return stream;
  }

  /** Resumes flushing to a stream after its replay. */
  resume(stream: DispatchStream): void {
    stream.paused = false;
    this.schedule();
  }

  /** Forgets a stream that ended. */
  closed(stream: DispatchStream): void {
    stream.close();
    if (this.streams.get(stream.nodeId) === stream) {
      this.streams.delete(stream.nodeId);
      this.pending.delete(stream.nodeId);
    }
  }

  /** Whether a gateway node has an open stream. */
  hasStream(nodeId: string): boolean {
    return this.streams.has(nodeId);
  }

  enqueue(nodeId: string, guildId: string, item: guildV1.DispatchItem): void {
    if (!this.streams.has(nodeId)) return; // no stream: the replay log serves its reconnect
    let guilds = this.pending.get(nodeId);
    if (!guilds) this.pending.set(nodeId, (guilds = new Map()));
    const items = guilds.get(guildId);
    if (items) items.push(item);
    else guilds.set(guildId, [item]);
    this.queued += 1;
    if (this.queued >= this.maxQueuedItems) this.flush();
    else this.schedule();
  }

  replace(nodeId: string, guildId: string, items: guildV1.DispatchItem[]): void {
    if (!this.streams.has(nodeId)) return;
    let guilds = this.pending.get(nodeId);
    if (!guilds) this.pending.set(nodeId, (guilds = new Map()));
    this.queued += items.length - (guilds.get(guildId)?.length ?? 0);
    if (items.length === 0) guilds.delete(guildId);
    else guilds.set(guildId, [...items]);
    this.schedule();
  }

  /** Sends everything queued for un-paused streams now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.lastFlushAt = performance.now();
    this.stats.flushes += 1;
    const before = { frames: this.stats.frames, items: this.stats.items };
    for (const [nodeId, guilds] of this.pending) {
      const stream = this.streams.get(nodeId);
      if (!stream || stream.paused) continue;
      for (const [guildId, items] of guilds) {
        stream.push({ frame: { $case: 'batch', batch: { guildId, items } } });
        this.stats.frames += 1;
        this.stats.items += items.length;
        this.queued -= items.length;
      }
      this.pending.delete(nodeId);
    }
    if (this.stats.frames > before.frames) this.onFlush?.(this.stats.frames - before.frames, this.stats.items - before.items);
  }

  /** Stops the tick and ends every stream. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    for (const stream of this.streams.values()) stream.close();
    this.streams.clear();
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.immediate !== undefined) return;
    if (this.idleFlush && performance.now() - this.lastFlushAt >= this.flushIntervalMs) {
      this.immediate = setImmediate(() => this.flush());
      return;
    }
    this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
  }
}
