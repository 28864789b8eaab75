/**
 * Test-only: a search indexer in its own process for the kill test of
 * search-indexer.int.spec.ts. Joins KILL_GROUP on KILL_TOPIC (Kafka at
 * KILL_BROKERS) and indexes into cell `cell-a` (Elasticsearch at
 * KILL_ES_URL, indices prefixed KILL_PREFIX). After KILL_HEALTHY_BULKS bulk
 * writes, each further write stores half of its documents, prints
 * `stalled` and never returns, so the test can SIGKILL it mid-batch. Prints
 * `joined` once it is a member of the group. Run with tsx.
 */
import { KafkaEventBus } from '@chat/bus';
import { CellAllocator } from '../../cells/cell-allocator';
import { ElasticsearchAllocationStore } from '../../cells/elasticsearch-allocation-store';
import { ElasticsearchSearchIndex } from '../../index/elasticsearch-search-index';
import type { SearchIndex } from '../../index/search-index.port';
import { SearchIndexer } from '../search-indexer';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const healthy = Number(env('KILL_HEALTHY_BULKS'));
const index = new ElasticsearchSearchIndex({ cell: 'cell-a', url: env('KILL_ES_URL'), indexPrefix: env('KILL_PREFIX'), replicas: 0 });
await index.ensureIndices();
const allocations = new ElasticsearchAllocationStore({ url: env('KILL_ES_URL'), indexPrefix: env('KILL_PREFIX') });
await allocations.ensureIndex();
let bulks = 0;
const dying = Object.create(index) as SearchIndex;
dying.upsertMany = async (documents) => {
  bulks += 1;
  if (bulks <= healthy) return index.upsertMany(documents);
  await index.upsertMany(documents.slice(0, Math.ceil(documents.length / 2)));
  process.stdout.write('stalled\n');
  return new Promise<never>(() => undefined);
};
const bus = new KafkaEventBus({ brokers: env('KILL_BROKERS').split(','), partitions: 4, heartbeatIntervalMs: 500, maxWaitTimeMs: 300, sessionTimeoutMs: 6_000 });
const indexer = new SearchIndexer({
  bus,
  topic: env('KILL_TOPIC'),
  group: env('KILL_GROUP'),
  indexes: new Map([['cell-a', dying]]),
  allocator: new CellAllocator({ cells: ['cell-a'], store: allocations }),
  batch: { maxItems: 10, maxDelayMs: 50, lingerMs: 5 },
});
await indexer.start();
process.stdout.write('joined\n');
