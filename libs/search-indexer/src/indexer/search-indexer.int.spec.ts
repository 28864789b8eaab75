/**
 * The kill test on the real servers: an indexer process on Kafka and
 * Elasticsearch is SIGKILLed in the middle of a bulk write (half of that
 * batch stored, its records uncommitted); a fresh indexer in the same
 * consumer group takes over. Every message ends in the index exactly once,
 * edits applied and deletes kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KafkaEventBus } from '@chat/bus';
import { infra, uniqueName } from '@chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CellAllocator } from '../cells/cell-allocator';
import { ElasticsearchAllocationStore } from '../cells/elasticsearch-allocation-store';
import { ElasticsearchSearchIndex } from '../index/elasticsearch-search-index';
import type { SearchQuery } from '../index/search-index.port';
import { SearchIndexer } from './search-indexer';
import { created, deleted, testMessage, updated } from './test-events';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function query(fields: Partial<SearchQuery> = {}): SearchQuery {
  return { scope: 'g:7', content: '', authorIds: [], channelIds: [], mentionUserIds: [], has: [], offset: 0, limit: 25, sortBy: 'timestamp', sortOrder: 'desc', ...fields };
}

function indexerProcess(env: Record<string, string>) {
  const script = fileURLToPath(new URL('./testing/indexer-process.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rl = createInterface({ input: child.stdout! });
  const line = (wanted: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (lines.includes(wanted)) return resolve();
      const timer = setTimeout(() => reject(new Error(`indexer process did not print "${wanted}" within ${ms} ms; printed ${lines.join(' | ')}`)), ms);
      void exited.then(() => reject(new Error(`indexer process exited before "${wanted}"`)));
      rl.on('line', (text) => {
        if (text === wanted) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  rl.on('line', (text) => lines.push(text));
  return { child, line, exited };
}

async function eventually(ms: number, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('SearchIndexer on Kafka and Elasticsearch', () => {
  it('killed mid-bulk (SIGKILL) and replaced by a fresh member of its group: every message exactly once', async () => {
    const { kafka, elasticsearch } = infra();
    const topic = uniqueName('search_kill');
    const group = uniqueName('search_indexer');
    const prefix = uniqueName('search_kill');
    const index = new ElasticsearchSearchIndex({ cell: 'cell-a', url: elasticsearch.url, indexPrefix: prefix, replicas: 0 });
    const allocations = new ElasticsearchAllocationStore({ url: elasticsearch.url, indexPrefix: prefix });
    cleanup.push(async () => {
      await index.dropIndices();
      await allocations.drop();
      await index.close();
      await allocations.close();
    });
    const producer = new KafkaEventBus({ brokers: kafka.brokers, partitions: 4 });
    cleanup.push(() => producer.close());

    const victim = indexerProcess({ KILL_BROKERS: kafka.brokers.join(','), KILL_TOPIC: topic, KILL_GROUP: group, KILL_ES_URL: elasticsearch.url, KILL_PREFIX: prefix, KILL_HEALTHY_BULKS: '4' });
    cleanup.push(async () => void victim.child.kill('SIGKILL'));
    await victim.line('joined', 90_000);

    const total = 120;
    const messages = Array.from({ length: total }, (_, i) => testMessage({ id: String(10_000 + i), channelId: String(50 + (i % 6)), guildId: '7', content: `word${i} common` }));
    for (const message of messages) await producer.publish(topic, message.channelId, created(message));
    for (const message of messages.slice(0, 10)) await producer.publish(topic, message.channelId, updated(testMessage({ id: message.id, channelId: message.channelId, guildId: '7', content: 'edited common', editedAt: 1_700_000_009_000 })));
    for (const message of messages.slice(-5)) await producer.publish(topic, message.channelId, deleted(message));

    await victim.line('stalled', 60_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await index.refresh();
    const partial = (await index.search(query())).totalResults;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total - 5);

    const successorBus = new KafkaEventBus({ brokers: kafka.brokers, partitions: 4, heartbeatIntervalMs: 500, maxWaitTimeMs: 300, sessionTimeoutMs: 6_000 });
    const successor = new SearchIndexer({ bus: successorBus, topic, group, indexes: new Map([['cell-a', index]]), allocator: new CellAllocator({ cells: ['cell-a'], store: allocations }), batch: { maxItems: 50, maxDelayMs: 50, lingerMs: 5 } });
    await successor.start();
    cleanup.push(async () => {
      await successor.stop();
      await successorBus.close();
    });

    const expected = messages.slice(0, -5).map((m) => m.id).sort();
    await eventually(90_000, async () => {
      await index.refresh();
      const all: string[] = [];
      for (let offset = 0; offset < total; offset += 25) all.push(...(await index.search(query({ offset }))).hits.map((h) => h.messageId));
      expect(all.sort()).toEqual(expected);
      expect((await index.search(query({ content: 'edited' }))).totalResults).toBe(10);
    });
    expect(await index.countDocuments()).toBe(total - 5);
    expect((await index.search(query({ content: 'word0' }))).totalResults).toBe(0);
  }, 300_000);
});
