/**
 * The search index on one Elasticsearch cell. Two indices per cell:
 * `<prefix>-<cell>-guild-messages` (scope `g:<guild>`) and
 * `<prefix>-<cell>-dm-messages` (scope `u:<user>`; the cell in the name lets
 * two cells share one cluster, e.g. in tests), each routed by scope so one scope's documents sit on
 * one shard and a search touches one shard. Upserts are scripted so that a
 * tombstone or a newer version wins (see search-index.port.ts).
 *
 * No scripts (the scripting module may be off): each write is an `index`
 * with external versioning (`version_type: external_gte`, the version being
 * the document's edit time in ms). Re-indexing the same version succeeds
 * and changes nothing; an older version is refused with a 409, which counts
 * as done; a tombstone carries the highest version, so nothing replaces it.
 */
import { Client, type estypes } from '@elastic/elasticsearch';
import { IndexWriteError } from '../errors';
import { contentTerms } from './search-query';
import { idSortKey, type DocumentRef, type MessageDocument, type SearchIndex, type SearchPage, type SearchQuery } from './search-index.port';

/** Options of {@link ElasticsearchSearchIndex}. */
export interface ElasticsearchSearchIndexOptions {
  /** The cell's name. */
  cell: string;
  /** The cell's URL (http://host:9200). */
  url: string;
  /** Prefix of the index names; default 'chat'. */
  indexPrefix?: string;
  /** Primary shards per index when it is created; default 1. */
  shards?: number;
  /** Replicas per shard when an index is created; default 1. */
  replicas?: number;
  /** Request timeout in ms; default 10000. */
  requestTimeoutMs?: number;
}

/** The stored source of a document. */
interface Source {
  scope: string;
  sort_key: string;
  message_id: string;
  channel_id: string;
  guild_id?: string;
  author_id?: string;
  content?: string;
  mentions?: string[];
  has?: string[];
  version: number;
  deleted: boolean;
}

const MAPPINGS = {
  dynamic: 'strict' as const,
  properties: {
    scope: { type: 'keyword' as const },
    sort_key: { type: 'keyword' as const },
    message_id: { type: 'keyword' as const },
    channel_id: { type: 'keyword' as const },
    guild_id: { type: 'keyword' as const },
    author_id: { type: 'keyword' as const },
    content: { type: 'text' as const },
    mentions: { type: 'keyword' as const },
    has: { type: 'keyword' as const },
    version: { type: 'long' as const },
    deleted: { type: 'boolean' as const },
  },
};

/** The version of a tombstone: above any edit time, so no upsert replaces it. */
const TOMBSTONE_VERSION = Number.MAX_SAFE_INTEGER;

/** SearchIndex on one Elasticsearch cluster (a cell). Call `ensureIndices()` before use. */
export class ElasticsearchSearchIndex implements SearchIndex {
  readonly cell: string;
  private readonly client: Client;
  private readonly guildIndex: string;
  private readonly dmIndex: string;

  constructor(private readonly options: ElasticsearchSearchIndexOptions) {
    this.cell = options.cell;
    const prefix = `${options.indexPrefix ?? 'chat'}-${options.cell}`;
    this.guildIndex = `${prefix}-guild-messages`;
    this.dmIndex = `${prefix}-dm-messages`;
    this.client = new Client({ node: options.url, requestTimeout: options.requestTimeoutMs ?? 10_000 });
  }

  /** The index a scope's documents live in. */
  indexOf(scope: string): string {
    return scope.startsWith('u:') ? this.dmIndex : this.guildIndex;
  }

  /** Creates both indices unless they exist (safe to race with another indexer). */
  async ensureIndices(): Promise<void> {
    for (const index of [this.guildIndex, this.dmIndex]) {
      if (await this.client.indices.exists({ index })) continue;
      try {
        await this.client.indices.create({
          index,
          settings: { number_of_shards: this.options.shards ?? 1, number_of_replicas: this.options.replicas ?? 1 },
          mappings: MAPPINGS,
        });
      } catch (error) {
        if (!String((error as { message?: unknown }).message).includes('resource_already_exists_exception')) throw error;
      }
    }
  }

  async upsertMany(documents: readonly MessageDocument[]): Promise<void> {
    const operations: object[] = [];
    for (const doc of documents) {
      const source: Source = {
        scope: doc.scope,
        sort_key: idSortKey(doc.messageId),
        message_id: doc.messageId,
        channel_id: doc.channelId,
        ...(doc.guildId !== undefined ? { guild_id: doc.guildId } : {}),
        author_id: doc.authorId,
        content: doc.content,
        mentions: [...doc.mentionUserIds],
        has: [...doc.has],
        version: doc.version,
        deleted: false,
      };
      operations.push({ index: { _index: this.indexOf(doc.scope), _id: `${doc.scope}:${doc.messageId}`, routing: doc.scope, version: doc.version, version_type: 'external_gte' } });
      operations.push(source);
    }
    await this.bulk(operations, documents.length);
  }

  async deleteMany(refs: readonly DocumentRef[]): Promise<void> {
    const operations: object[] = [];
    for (const ref of refs) {
      const tombstone: Source = { scope: ref.scope, sort_key: idSortKey(ref.messageId), message_id: ref.messageId, channel_id: ref.channelId, version: TOMBSTONE_VERSION, deleted: true };
      operations.push({ index: { _index: this.indexOf(ref.scope), _id: `${ref.scope}:${ref.messageId}`, routing: ref.scope, version: TOMBSTONE_VERSION, version_type: 'external_gte' } });
      operations.push(tombstone);
    }
    await this.bulk(operations, refs.length);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const filter: object[] = [{ term: { scope: query.scope } }];
    if (query.allowedChannelIds) {
      if (query.allowedChannelIds.length === 0) return { totalResults: 0, hits: [] };
      filter.push({ terms: { channel_id: query.allowedChannelIds } });
    }
    if (query.channelIds.length > 0) filter.push({ terms: { channel_id: query.channelIds } });
    if (query.authorIds.length > 0) filter.push({ terms: { author_id: query.authorIds } });
    if (query.mentionUserIds.length > 0) filter.push({ terms: { mentions: query.mentionUserIds } });
    for (const kind of query.has) filter.push({ term: { has: kind } });
    if (query.minId !== undefined || query.maxId !== undefined) {
      filter.push({ range: { sort_key: { ...(query.minId !== undefined ? { gt: idSortKey(query.minId) } : {}), ...(query.maxId !== undefined ? { lt: idSortKey(query.maxId) } : {}) } } });
    }
    const terms = contentTerms(query.content);
    const must = terms.length > 0 ? [{ match: { content: { query: terms.join(' '), operator: 'and' as const } } }] : [];
    const order = query.sortOrder;
    const sort: estypes.SortCombinations[] = query.sortBy === 'relevance' && terms.length > 0 ? [{ _score: { order } }, { sort_key: { order: 'desc' as const } }] : [{ sort_key: { order } }];
    const response = await this.client.search<Source>({
      index: this.indexOf(query.scope),
      routing: query.scope,
      query: { bool: { filter, must, must_not: [{ term: { deleted: true } }] } },
      sort,
      from: query.offset,
      size: query.limit,
      track_total_hits: true,
      _source: ['message_id', 'channel_id', 'guild_id'],
    });
    const total = response.hits.total;
    return {
      totalResults: typeof total === 'number' ? total : (total?.value ?? 0),
      hits: response.hits.hits.flatMap((hit) => {
        const source = hit._source;
        if (!source) return [];
        return [{ messageId: source.message_id, channelId: source.channel_id, ...(source.guild_id !== undefined ? { guildId: source.guild_id } : {}) }];
      }),
    };
  }

  async countDocuments(): Promise<number> {
    const response = await this.client.count({ index: [this.guildIndex, this.dmIndex], query: { bool: { must_not: [{ term: { deleted: true } }] } } });
    return response.count;
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: [this.guildIndex, this.dmIndex] });
  }

  /** Deletes both indices (tests). */
  async dropIndices(): Promise<void> {
    await this.client.indices.delete({ index: [this.guildIndex, this.dmIndex], ignore_unavailable: true });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async bulk(operations: object[], documents: number): Promise<void> {
    if (operations.length === 0) return;
    let response;
    try {
      response = await this.client.bulk({ operations });
    } catch (error) {
      throw new IndexWriteError(this.cell, documents, { cause: error });
    }
    if (response.errors) {
      // 409: the stored document is newer or a tombstone; the write is moot, not failed.
      const failed = response.items.flatMap((item) => Object.values(item)).filter((result) => result?.error && result.status !== 409);
      if (failed.length > 0) throw new IndexWriteError(this.cell, documents, { reason: `${failed.length} failed, first: ${JSON.stringify(failed[0]?.error).slice(0, 300)}` });
    }
  }
}
