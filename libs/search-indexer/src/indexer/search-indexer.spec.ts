/**
 * The indexer on the memory bus: batching, idempotence, and a kill mid-batch
 * (the first indexer's bulk writes start hanging after a few batches and it
 * leaves without finishing: its records in hand stay uncommitted) followed
 * by a fresh indexer in the same group: every message ends in the index
 * exactly once, edits applied, deletes kept.
 */
import { MemoryEventBus } from '@chat/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { CellAllocator } from '../cells/cell-allocator';
import { SqliteAllocationStore } from '../cells/sqlite-allocation-store';
import type { SearchIndex, SearchQuery } from '../index/search-index.port';
import { SqliteSearchIndex } from '../index/sqlite-search-index';
import { SearchIndexer } from './search-indexer';
import { created, deleted, publishEvent, testMessage, updated } from './test-events';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function query(scope: string, fields: Partial<SearchQuery> = {}): SearchQuery {
  return { scope, content: '', authorIds: [], channelIds: [], mentionUserIds: [], has: [], offset: 0, limit: 25, sortBy: 'timestamp', sortOrder: 'desc', ...fields };
}

/** Polls until `check` passes or 10 s went by (the indexer works asynchronously to the publisher). */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Wraps an index so that, after `healthyBulks` writes, each write stores half of its documents and then never returns (a process killed mid-bulk). */
function dyingAfter(index: SearchIndex, healthyBulks: number): SearchIndex & { bulks: number } {
  const wrapper = Object.create(index) as SearchIndex & { bulks: number };
  wrapper.bulks = 0;
  wrapper.upsertMany = async (documents) => {
    wrapper.bulks += 1;
    if (wrapper.bulks <= healthyBulks) return index.upsertMany(documents);
    await index.upsertMany(documents.slice(0, Math.ceil(documents.length / 2)));
    return new Promise<never>(() => undefined);
  };
  return wrapper;
}

function setup(partitions = 4) {
  const bus = new MemoryEventBus({ partitions, retry: { maxAttempts: 50, retryBackoffMs: 5, maxRetryBackoffMs: 20 } });
  const index = new SqliteSearchIndex({ path: ':memory:' });
  const allocations = new SqliteAllocationStore(':memory:');
  closers.push(() => index.close(), () => allocations.close(), () => bus.close());
  const indexer = (target: SearchIndex, batch = { maxItems: 50, maxDelayMs: 50, lingerMs: 5 }, closeTimeoutMs = 5_000) => {
    const built = new SearchIndexer({ bus, indexes: new Map([['local', target]]), allocator: new CellAllocator({ cells: ['local'], store: allocations }), batch, subscribe: { closeTimeoutMs } });
    return built;
  };
  return { bus, index, indexer };
}

describe('SearchIndexer', () => {
  it('indexes guild messages and DMs from the bus; edits and deletes reach the index', async () => {
    const { bus, index, indexer } = setup();
    const running = indexer(index);
    await running.start();
    closers.push(() => running.stop());
    const hello = testMessage({ id: '1000', channelId: '10', guildId: '5', content: 'hello world' });
    const bye = testMessage({ id: '1001', channelId: '11', guildId: '5', content: 'goodbye world' });
    const dm = testMessage({ id: '1002', channelId: '20', content: 'secret plans' });
    await publishEvent(bus, '10', created(hello));
    await publishEvent(bus, '11', created(bye));
    await publishEvent(bus, '20', created(dm, ['1', '2']));
    await publishEvent(bus, '10', updated(testMessage({ id: '1000', channelId: '10', guildId: '5', content: 'hello edited', editedAt: 1_700_000_001_000 })));
    await publishEvent(bus, '11', deleted(bye));
    await eventually(async () => {
      expect((await index.search(query('g:5'))).hits.map((h) => h.messageId)).toEqual(['1000']);
      expect((await index.search(query('g:5', { content: 'edited' }))).totalResults).toBe(1);
      expect((await index.search(query('u:2', { content: 'plans' }))).hits).toEqual([{ messageId: '1002', channelId: '20' }]);
      expect((await index.search(query('u:1'))).totalResults).toBe(1);
    });
  });

  it('is idempotent: the same events delivered twice change nothing', async () => {
    const { bus, index, indexer } = setup();
    const running = indexer(index);
    await running.start();
    closers.push(() => running.stop());
    const events = Array.from({ length: 30 }, (_, i) => testMessage({ id: String(2000 + i), channelId: String(10 + (i % 3)), guildId: '5', content: `message ${i}` }));
    for (const message of events) await publishEvent(bus, message.channelId, created(message));
    await eventually(async () => expect(await index.countDocuments()).toBe(30));
    const before = await index.search(query('g:5'));
    for (const message of events) await publishEvent(bus, message.channelId, created(message));
    await publishEvent(bus, '10', created(testMessage({ id: '2999', channelId: '10', guildId: '5', content: 'marker' })));
    await eventually(async () => expect(await index.countDocuments()).toBe(31));
    const after = await index.search(query('g:5', { maxId: '2999' }));
    expect(after).toEqual(before);
  });

  it('batches across partitions: fewer bulk writes than records', async () => {
    const { bus, index, indexer } = setup(8);
    let bulks = 0;
    const counting = Object.create(index) as SearchIndex;
    counting.upsertMany = async (documents) => {
      bulks += 1;
      return index.upsertMany(documents);
    };
    const running = indexer(counting, { maxItems: 500, maxDelayMs: 100, lingerMs: 10 });
    await running.start();
    closers.push(() => running.stop());
    await Promise.all(Array.from({ length: 40 }, (_, i) => publishEvent(bus, String(100 + i), created(testMessage({ id: String(3000 + i), channelId: String(100 + i), guildId: '6', content: 'x' })))));
    await eventually(async () => expect(await index.countDocuments()).toBe(40));
    expect(bulks).toBeLessThan(40);
  });

  it('killed mid-batch and replaced by a fresh member of the group: every message exactly once', async () => {
    const { bus, index, indexer } = setup(4);
    const first = indexer(dyingAfter(index, 3), { maxItems: 8, maxDelayMs: 30, lingerMs: 5 }, 50);
    await first.start();
    const total = 120;
    const messages = Array.from({ length: total }, (_, i) => testMessage({ id: String(10_000 + i), channelId: String(50 + (i % 6)), guildId: '7', content: `word${i} common` }));
    for (const message of messages) await publishEvent(bus, message.channelId, created(message));
    // Edits of the first ten and deletes of the last five go through the same stream.
    for (const message of messages.slice(0, 10)) await publishEvent(bus, message.channelId, updated(testMessage({ id: message.id, channelId: message.channelId, guildId: '7', content: 'edited common', editedAt: 1_700_000_009_000 })));
    for (const message of messages.slice(-5)) await publishEvent(bus, message.channelId, deleted(message));
    // The kill: the member leaves without its batches finishing (closeTimeoutMs 50): what it had in hand stays uncommitted.
    await eventually(async () => expect((await index.search(query('g:7'))).totalResults).toBeGreaterThan(0));
    await first.abandon();
    const partial = (await index.search(query('g:7'))).totalResults;
    expect(partial).toBeLessThan(total - 5);

    const second = indexer(index);
    await second.start();
    closers.push(() => second.stop());
    const expected = messages.slice(0, -5).map((m) => m.id).sort();
    await eventually(async () => {
      const all: string[] = [];
      for (let offset = 0; offset < total; offset += 25) all.push(...(await index.search(query('g:7', { offset }))).hits.map((h) => h.messageId));
      expect(all.sort()).toEqual(expected);
      expect((await index.search(query('g:7', { content: 'edited' }))).totalResults).toBe(10);
    });
    expect(await index.countDocuments()).toBe(total - 5);
    expect((await index.search(query('g:7', { content: 'word0' }))).totalResults).toBe(0);
    expect((await index.search(query('g:7', { content: 'word110' }))).totalResults).toBe(1);
  });
});
