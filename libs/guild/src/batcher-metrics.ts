/**
 * Prometheus metrics of the node-level dispatch batcher: how many
 * DispatchBatch frames and stream items each flush sent (the Manifold win is
 * items per frame), plus the totals. Observed once per flush, never per item.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { DispatchBatcher } from './dispatch-batcher';

/** Buckets of items per flush (maxQueuedItems defaults to 512). */
const ITEM_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 512, 1000, 2500];
/** Buckets of frames per flush (one per guild per gateway node). */
const FRAME_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 1000];

interface BatcherInstruments {
  readonly flushItems: Histogram<string>;
  readonly flushFrames: Histogram<string>;
  readonly items: Counter<string>;
  readonly frames: Counter<string>;
}

const byRegistry = new WeakMap<Registry, BatcherInstruments>();

function instruments(registry: Registry): BatcherInstruments {
  let found = byRegistry.get(registry);
  if (found) return found;
  const registers = [registry];
  found = {
    flushItems: new Histogram({ name: 'chat_guild_batch_flush_items', help: 'Stream items sent by one batcher flush (all gateway nodes)', buckets: ITEM_BUCKETS, registers }),
    flushFrames: new Histogram({ name: 'chat_guild_batch_flush_frames', help: 'DispatchBatch frames (one per guild per gateway node) sent by one batcher flush', buckets: FRAME_BUCKETS, registers }),
    items: new Counter({ name: 'chat_guild_batch_items_total', help: 'Stream items sent to gateway nodes', registers }),
    frames: new Counter({ name: 'chat_guild_batch_frames_total', help: 'DispatchBatch frames sent to gateway nodes', registers }),
  };
  byRegistry.set(registry, found);
  return found;
}

/**
 * Observes every flush of `batcher` into `registry` (instruments are created
 * once per registry, so several guild nodes may share one).
 */
export function registerBatcherMetrics(batcher: Pick<DispatchBatcher, 'onFlush'>, registry: Registry): void {
  const m = instruments(registry);
  batcher.onFlush = (frames, items) => {
    m.flushItems.observe(items);
    m.flushFrames.observe(frames);
    m.items.inc(items);
    m.frames.inc(frames);
  };
}
