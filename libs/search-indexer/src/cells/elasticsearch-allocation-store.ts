/**
 * AllocationStore as a small index (`<prefix>-search-allocations`, one
 * document per scope) in a designated cell, the first of CHAT_SEARCH_CELLS.
 * Every indexer and search node reads the same allocations without another
 * database; `op_type: create` makes the first allocation of a scope win when
 * two indexers race.
 */
import { Client, errors } from '@elastic/elasticsearch';
import type { AllocationStore } from './allocation-store.port';

interface Allocation {
  scope: string;
  cell: string;
  allocated_at: number;
}

/** AllocationStore in an Elasticsearch index. Call `ensureIndex()` first. */
export class ElasticsearchAllocationStore implements AllocationStore {
  private readonly client: Client;
  private readonly index: string;

  constructor(options: { url: string; indexPrefix?: string }) {
    this.client = new Client({ node: options.url, requestTimeout: 10_000 });
    this.index = `${options.indexPrefix ?? 'chat'}-search-allocations`;
  }

  /** Creates the index unless it exists. */
  async ensureIndex(): Promise<void> {
    if (await this.client.indices.exists({ index: this.index })) return;
    try {
      await this.client.indices.create({
        index: this.index,
        settings: { number_of_shards: 1 },
        mappings: { properties: { scope: { type: 'keyword' }, cell: { type: 'keyword' }, allocated_at: { type: 'date', format: 'epoch_millis' } } },
      });
    } catch (error) {
      if (!String((error as { message?: unknown }).message).includes('resource_already_exists_exception')) throw error;
    }
  }

  async get(scope: string): Promise<string | undefined> {
    try {
      const response = await this.client.get<Allocation>({ index: this.index, id: scope, realtime: true });
      return response._source?.cell;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async putIfAbsent(scope: string, cell: string): Promise<string> {
    try {
      await this.client.index({ index: this.index, id: scope, op_type: 'create', document: { scope, cell, allocated_at: Date.now() }, refresh: 'wait_for' });
      return cell;
    } catch (error) {
      if (!(error instanceof errors.ResponseError && error.statusCode === 409)) throw error;
      return (await this.get(scope)) ?? cell;
    }
  }

  async set(scope: string, cell: string): Promise<void> {
    await this.client.index({ index: this.index, id: scope, document: { scope, cell, allocated_at: Date.now() }, refresh: 'wait_for' });
  }

  async counts(): Promise<Map<string, number>> {
    const response = await this.client.search({ index: this.index, size: 0, aggs: { cells: { terms: { field: 'cell', size: 1000 } } } });
    const buckets = (response.aggregations?.cells as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
    return new Map(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
  }

  /** Deletes the index (tests). */
  async drop(): Promise<void> {
    await this.client.indices.delete({ index: this.index, ignore_unavailable: true });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
