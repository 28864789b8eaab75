/** Configuration keys of the search-indexer module (documented in its README and docs/search.md). */
import { boolSetting, enumSetting, intSetting, listSetting, stringSetting } from '@chat/config';

/** The module's settings. */
export const searchIndexerConfigSchema = {
  backend: enumSetting('CHAT_SEARCH_BACKEND', ['sqlite', 'elasticsearch'] as const, {
    default: 'sqlite',
    description: 'search index: sqlite (embedded FTS5, one cell) or elasticsearch (the cells of CHAT_SEARCH_CELLS)',
  }),
  sqlitePath: stringSetting('CHAT_SEARCH_SQLITE_PATH', {
    default: '',
    unit: 'path',
    description: "sqlite backend: index file (':memory:' for a throwaway one); empty: beside CHAT_SQLITE_PATH as <name>-search.db (':memory:' if that is)",
  }),
  storeSqlitePath: stringSetting('CHAT_SQLITE_PATH', { default: './data/chat.db', unit: 'path', description: "the store's SQLite file; the search index file defaults to sit beside it" }),
  cells: listSetting('CHAT_SEARCH_CELLS', { default: [], description: 'elasticsearch backend: the cells, name=url,... (required then); allocations are stored in the first' }),
  dedicated: listSetting('CHAT_SEARCH_DEDICATED', { default: [], description: 'guild_id=cell,...: guilds pinned to a dedicated cell, which takes no other guild' }),
  indexPrefix: stringSetting('CHAT_SEARCH_INDEX_PREFIX', { default: 'chat', pattern: /^[a-z0-9][a-z0-9_-]*$/, description: 'elasticsearch backend: prefix of the index names (<prefix>-<cell>-guild-messages, <prefix>-<cell>-dm-messages, <prefix>-search-allocations)' }),
  shards: intSetting('CHAT_SEARCH_ES_SHARDS', { default: 1, min: 1, max: 1024, unit: 'count', description: 'elasticsearch backend: primary shards of an index the indexer creates' }),
  replicas: intSetting('CHAT_SEARCH_ES_REPLICAS', { default: 1, min: 0, max: 16, unit: 'count', description: 'elasticsearch backend: replicas of an index the indexer creates' }),
  indexing: boolSetting('CHAT_SEARCH_INDEXING', { default: true, description: 'consume message events and index them (false: answer searches only)' }),
  group: stringSetting('CHAT_SEARCH_CONSUMER_GROUP', { default: 'search-indexer', pattern: /^[A-Za-z0-9._-]+$/, description: 'consumer group on the messages topic' }),
  batchMaxDocs: intSetting('CHAT_SEARCH_BATCH_MAX_DOCS', { default: 500, min: 1, max: 100_000, unit: 'count', description: 'index operations that flush a destination batch at once' }),
  batchMaxDelayMs: intSetting('CHAT_SEARCH_BATCH_MAX_DELAY_MS', { default: 200, min: 1, max: 60_000, unit: 'ms', description: 'longest wait of an operation before its batch is flushed' }),
  batchLingerMs: intSetting('CHAT_SEARCH_BATCH_LINGER_MS', { default: 5, min: 0, max: 60_000, unit: 'ms', description: 'flush a batch once no operation came for this long (0: only size and delay)' }),
};
