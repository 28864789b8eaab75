/**
 * The search-indexer service module: consumes message events from the `bus`
 * module into the search index (SQLite FTS5 embedded, or Elasticsearch
 * cells) and serves chat.search.v1.SearchService on the process's gRPC
 * server. Configuration: search-indexer.config.ts; design: README.md and
 * docs/search.md.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { BUS } from '@chat/bus';
import { ConfigError, type ConfigOf } from '@chat/config';
import { defineModule, GRPC_SERVER, moduleKey, type ModuleContext } from '@chat/modules';
import { searchV1 } from '@chat/proto';
import { serviceNameOf } from '@chat/rpc';
import { Counter, Histogram } from 'prom-client';
import type { AllocationStore } from './cells/allocation-store.port';
import { CellAllocator } from './cells/cell-allocator';
import { parseCells, parseDedicated } from './cells/cells.config';
import { ElasticsearchAllocationStore } from './cells/elasticsearch-allocation-store';
import { SqliteAllocationStore } from './cells/sqlite-allocation-store';
import { ElasticsearchSearchIndex } from './index/elasticsearch-search-index';
import type { SearchIndex } from './index/search-index.port';
import { SqliteSearchIndex } from './index/sqlite-search-index';
import { SearchIndexer } from './indexer/search-indexer';
import { searchIndexerConfigSchema } from './search-indexer.config';
import { SearchService } from './search-service';
import { searchServiceHandlers } from './search-service.grpc';

/** The module's configuration. */
export type SearchIndexerConfig = ConfigOf<typeof searchIndexerConfigSchema>;

/** What the module shares: the search service, the cell allocator (for the admin pin) and each cell's index. */
export interface SearchIndexerValue {
  readonly service: SearchService;
  readonly allocator: CellAllocator;
  readonly indexes: ReadonlyMap<string, SearchIndex>;
}

/** Key of the module's value. */
export const SEARCH_INDEXER = moduleKey<SearchIndexerValue>('search-indexer');

/** The SQLite index file: CHAT_SEARCH_SQLITE_PATH, or `<dir>/<name>-search.db` beside CHAT_SQLITE_PATH. */
export function searchSqlitePath(config: Pick<SearchIndexerConfig, 'sqlitePath' | 'storeSqlitePath'>): string {
  if (config.sqlitePath !== '') return config.sqlitePath;
  if (config.storeSqlitePath === ':memory:') return ':memory:';
  const store = config.storeSqlitePath;
  return join(dirname(store), `${basename(store, extname(store))}-search.db`);
}

interface Opened {
  indexes: Map<string, SearchIndex>;
  allocations: AllocationStore;
  allocator: CellAllocator;
}

async function open(config: SearchIndexerConfig, context: ModuleContext): Promise<Opened> {
  if (config.backend === 'sqlite') {
    const path = searchSqlitePath(config);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const index = new SqliteSearchIndex({ path, cell: 'local' });
    const allocations = new SqliteAllocationStore(path);
    context.logger.info({ path }, 'search index: SQLite FTS5');
    return { indexes: new Map([['local', index]]), allocations, allocator: new CellAllocator({ cells: ['local'], store: allocations }) };
  }
  const cells = parseCells(config.cells);
  const [directory] = cells;
  if (!directory) throw new ConfigError('CHAT_SEARCH_CELLS', 'is required when CHAT_SEARCH_BACKEND=elasticsearch (name=url,...)');
  const dedicated = parseDedicated(config.dedicated, cells.map((cell) => cell.name));
  const indexes = new Map<string, SearchIndex>();
  for (const cell of cells) {
    const index = new ElasticsearchSearchIndex({ cell: cell.name, url: cell.url, indexPrefix: config.indexPrefix, shards: config.shards, replicas: config.replicas });
    indexes.set(cell.name, index);
    await index.ensureIndices();
  }
  const allocations = new ElasticsearchAllocationStore({ url: directory.url, indexPrefix: config.indexPrefix });
  await allocations.ensureIndex();
  context.logger.info({ cells: cells.map((cell) => cell.name), allocations: directory.name, dedicated: Object.fromEntries(dedicated) }, 'search index: Elasticsearch cells');
  return { indexes, allocations, allocator: new CellAllocator({ cells: cells.map((cell) => cell.name), dedicated, store: allocations }) };
}

/**
 * The search-indexer module. Depends on the gRPC server and the bus; with
 * CHAT_SEARCH_INDEXING it joins CHAT_SEARCH_CONSUMER_GROUP on the messages
 * topic. Stop leaves the group, writes what is batched, then closes the
 * indexes.
 */
export const searchIndexerModule = defineModule({
  name: SEARCH_INDEXER.name,
  kind: 'service',
  dependsOn: [GRPC_SERVER.name, BUS.name],
  configSchema: searchIndexerConfigSchema,
  create: (config) => {
    let opened: Opened | undefined;
    let indexer: SearchIndexer | undefined;
    return {
      grpcServices: [serviceNameOf(searchV1.SearchServiceService)],
      async start(context) {
        opened = await open(config, context);
        const registry = context.metrics;
        const operations = new Counter({ name: 'chat_search_indexed_operations_total', help: 'Index operations written (upserts and deletes), by cell and outcome', labelNames: ['cell', 'outcome'], registers: [registry] });
        const bulkSeconds = new Histogram({ name: 'chat_search_bulk_seconds', help: 'Time of one bulk write, by cell', labelNames: ['cell'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
        const querySeconds = new Histogram({ name: 'chat_search_query_seconds', help: 'Time of one SearchMessages, by outcome', labelNames: ['outcome'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] });
        const service = new SearchService(opened.indexes, opened.allocator);
        if (config.indexing) {
          indexer = new SearchIndexer({
            bus: context.get(BUS),
            indexes: opened.indexes,
            allocator: opened.allocator,
            group: config.group,
            batch: { maxItems: config.batchMaxDocs, maxDelayMs: config.batchMaxDelayMs, lingerMs: config.batchLingerMs },
            // The record in hand waits for its batch: leave time for one delay and one bulk.
            subscribe: { closeTimeoutMs: config.batchMaxDelayMs + 10_000 },
            observer: {
              flushed: (cell, count, seconds, ok) => {
                operations.inc({ cell, outcome: ok ? 'ok' : 'failed' }, count);
                bulkSeconds.observe({ cell }, seconds);
              },
              failed: (error, record) => context.logger.warn({ err: error, partition: record.partition, offset: record.offset, attempt: record.attempt }, 'search indexing failed; the record is redelivered'),
            },
          });
          await indexer.start();
        }
        context.get(GRPC_SERVER).addService(searchV1.SearchServiceService, searchServiceHandlers(service, querySeconds));
        const value: SearchIndexerValue = { service, allocator: opened.allocator, indexes: opened.indexes };
        return value;
      },
      async stop() {
        await indexer?.stop();
        if (opened) {
          for (const index of opened.indexes.values()) await index.close();
          await opened.allocations.close();
        }
      },
    };
  },
});
