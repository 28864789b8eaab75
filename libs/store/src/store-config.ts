/**
 * Configuration of the store, as @chat/config settings: which backend and how
 * to reach it. `toStoreOptions` turns a loaded config into what `openStore`
 * takes.
 */
import { enumSetting, listSetting, stringSetting, type ConfigOf } from '@chat/config';
import { CONSISTENCY_LEVELS } from './scylla/scylla-session';
import type { StoreOptions } from './store-options';

/** The store's settings. */
export const storeConfigSchema = {
  backend: enumSetting('CHAT_STORE', ['sqlite', 'scylla'] as const, {
    default: 'sqlite',
    description: 'Storage backend: sqlite (embedded, one file) or scylla (ScyllaDB / Cassandra cluster)',
  }),
  sqlitePath: stringSetting('CHAT_SQLITE_PATH', {
    default: './data/chat.db',
    description: "SQLite database file (':memory:' for a throwaway in-memory database)",
    unit: 'path',
  }),
  scyllaContactPoints: listSetting('CHAT_SCYLLA_CONTACT_POINTS', {
    default: ['127.0.0.1:9042'],
    description: 'Scylla/Cassandra contact points, host[:port] comma-separated',
  }),
  scyllaLocalDc: stringSetting('CHAT_SCYLLA_LOCAL_DC', {
    default: 'datacenter1',
    description: 'Data centre whose replicas serve this process (token-aware, DC-aware routing)',
  }),
  scyllaKeyspace: stringSetting('CHAT_SCYLLA_KEYSPACE', {
    default: 'chat',
    description: 'Keyspace holding the store tables (create it with the migration command)',
    pattern: /^[A-Za-z][A-Za-z0-9_]{0,47}$/,
  }),
  scyllaReadConsistency: enumSetting('CHAT_SCYLLA_READ_CONSISTENCY', CONSISTENCY_LEVELS, {
    default: 'LOCAL_QUORUM',
    description: 'Consistency level of reads',
  }),
  scyllaWriteConsistency: enumSetting('CHAT_SCYLLA_WRITE_CONSISTENCY', CONSISTENCY_LEVELS, {
    default: 'LOCAL_QUORUM',
    description: 'Consistency level of writes (lightweight transactions use LOCAL_SERIAL for their Paxos phase)',
  }),
};

/** A loaded store configuration. */
export type StoreConfig = ConfigOf<typeof storeConfigSchema>;

/** The `openStore` options for a loaded configuration. */
export function toStoreOptions(config: StoreConfig): StoreOptions {
  if (config.backend === 'sqlite') return { backend: 'sqlite', path: config.sqlitePath };
  return {
    backend: 'scylla',
    contactPoints: config.scyllaContactPoints,
    localDataCenter: config.scyllaLocalDc,
    keyspace: config.scyllaKeyspace,
    readConsistency: config.scyllaReadConsistency,
    writeConsistency: config.scyllaWriteConsistency,
  };
}
