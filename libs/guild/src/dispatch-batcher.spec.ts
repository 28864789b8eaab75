import { guildV1 } from '@chat/proto';
import { describe, expect, it } from 'vitest';
import { DispatchBatcher } from './dispatch-batcher';

function item(sequence: number): guildV1.DispatchItem {
  return { sequence: String(sequence), item: { $case: 'memberRemoved', memberRemoved: { userId: '1' } } };
}

async function drain(stream: AsyncIterable<guildV1.StreamDispatchesResponse>): Promise<guildV1.DispatchBatch[]> {
  const out: guildV1.DispatchBatch[] = [];
  for await (const frame of stream) if (frame.frame?.$case === 'batch') out.push(frame.frame.batch);
  return out;
}

describe('DispatchBatcher', () => {
  it('writes one frame per guild per gateway node per flush', async () => {
    const batcher = new DispatchBatcher({ flushIntervalMs: 60_000 });
    const gw1 = batcher.open('gw-1');
    const gw2 = batcher.open('gw-2');
    batcher.resume(gw1);
    batcher.resume(gw2);
    for (let i = 1; i <= 100; i += 1) {
      batcher.enqueue('gw-1', 'g1', item(i));
      batcher.enqueue('gw-2', 'g1', item(i));
    }
    batcher.enqueue('gw-1', 'g2', item(1));
    batcher.flush();
    batcher.close();
    const [b1, b2] = await Promise.all([drain(gw1), drain(gw2)]);
    expect(b1.map((b) => [b.guildId, b.items.length])).toEqual([['g1', 100], ['g2', 1]]);
    expect(b2.map((b) => [b.guildId, b.items.length])).toEqual([['g1', 100]]);
    expect(batcher.stats.frames).toBe(3);
  });

  it('flushes at once at maxQueuedItems, holds paused streams, drops items for nodes without a stream', async () => {
    const batcher = new DispatchBatcher({ flushIntervalMs: 60_000, maxQueuedItems: 3 });
    batcher.enqueue('nobody', 'g1', item(1));
    const stream = batcher.open('gw-1');
    batcher.enqueue('gw-1', 'g1', item(1));
    batcher.replace('gw-1', 'g1', [item(0), item(1)]);
    batcher.flush();
    expect(batcher.stats.frames).toBe(0);
    batcher.resume(stream);
    batcher.enqueue('gw-1', 'g1', item(2));
    expect(batcher.stats.frames).toBe(1);
    batcher.close();
    const batches = await drain(stream);
    expect(batches.map((b) => b.items.map((i) => i.sequence))).toEqual([['0', '1', '2']]);
  });

  it('sends the first item after an idle interval at the end of the turn, and batches what follows on the tick', async () => {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    const batcher = new DispatchBatcher({ flushIntervalMs: 60_000 });
    const stream = batcher.open('gw-1');
    batcher.resume(stream);
    batcher.enqueue('gw-1', 'g1', item(1));
    batcher.enqueue('gw-1', 'g1', item(2));
    expect(batcher.stats.frames).toBe(0);
    await turn();
    // Idle before: flushed at the end of the turn, both items in one frame.
    expect(batcher.stats.frames).toBe(1);
    batcher.enqueue('gw-1', 'g1', item(3));
    await turn();
    // Flushed moments ago: this one waits for the tick (60 s here).
    expect(batcher.stats.frames).toBe(1);

    const ticking = new DispatchBatcher({ flushIntervalMs: 60_000, idleFlush: false });
    const other = ticking.open('gw-1');
    ticking.resume(other);
    ticking.enqueue('gw-1', 'g1', item(1));
    await turn();
    expect(ticking.stats.frames).toBe(0);
    batcher.close();
    ticking.close();
  });
});
