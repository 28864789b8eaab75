import { guildV1 } from '@chat/proto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBatcherMetrics } from './batcher-metrics';
import { DispatchBatcher } from './dispatch-batcher';

function item(sequence: number): guildV1.DispatchItem {
  return { sequence: String(sequence), item: { $case: 'memberRemoved', memberRemoved: { userId: '1' } } };
}

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('batcher metrics', () => {
  it('observes items and frames per flush, and skips flushes that sent nothing', async () => {
    const registry = new Registry();
    const batcher = new DispatchBatcher({ flushIntervalMs: 60_000 });
    registerBatcherMetrics(batcher, registry);
    const gw1 = batcher.open('gw-1');
    const gw2 = batcher.open('gw-2');
    batcher.resume(gw1);
    batcher.resume(gw2);
    for (let i = 1; i <= 30; i += 1) {
      batcher.enqueue('gw-1', 'g1', item(i));
      batcher.enqueue('gw-2', 'g1', item(i));
    }
    batcher.enqueue('gw-1', 'g2', item(1));
    batcher.flush();
    batcher.flush(); // nothing queued: not observed
    batcher.enqueue('gw-1', 'g1', item(31));
    batcher.flush();
    batcher.close();

    const text = await registry.metrics();
    expect(sampleOf(text, 'chat_guild_batch_flush_items_count')).toBe(2);
    expect(sampleOf(text, 'chat_guild_batch_flush_items_sum')).toBe(62);
    expect(sampleOf(text, 'chat_guild_batch_flush_items_bucket{le="1"}')).toBe(1);
    expect(sampleOf(text, 'chat_guild_batch_flush_items_bucket{le="50"}')).toBe(1);
    expect(sampleOf(text, 'chat_guild_batch_flush_items_bucket{le="100"}')).toBe(2);
    expect(sampleOf(text, 'chat_guild_batch_flush_frames_sum')).toBe(4);
    expect(sampleOf(text, 'chat_guild_batch_items_total')).toBe(62);
    expect(sampleOf(text, 'chat_guild_batch_frames_total')).toBe(4);
  });

  it('lets two batchers share one registry', async () => {
    const registry = new Registry();
    const a = new DispatchBatcher({ flushIntervalMs: 60_000 });
    const b = new DispatchBatcher({ flushIntervalMs: 60_000 });
    registerBatcherMetrics(a, registry);
    registerBatcherMetrics(b, registry);
    for (const batcher of [a, b]) {
      batcher.resume(batcher.open('gw'));
      batcher.enqueue('gw', 'g', item(1));
      batcher.flush();
      batcher.close();
    }
    expect(sampleOf(await registry.metrics(), 'chat_guild_batch_items_total')).toBe(2);
  });
});
