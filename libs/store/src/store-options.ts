/**
 * What `openStore` takes and returns.
 */
import type { GuildStore } from './guilds/guild-store.port';
import type { MessageStore } from './messages/message-store.port';
import type { OutboxStore } from './outbox/outbox-store.port';
import type { ReactionStore } from './reactions/reaction-store.port';
import type { ReadStateStore } from './read-states/read-state-store.port';
import type { RecordStore } from './records/record-store.port';
import type { ConsistencyName } from './scylla/scylla-session';
import type { UserStore } from './users/user-store.port';

/** Options of the embedded backend. */
export interface SqliteStoreOptions {
  backend: 'sqlite';
  /** Database file, or ':memory:'. Created (with its directory) and migrated when opened. */
  path: string;
  /** Unix-ms clock that record expiry is read against (tests move it); default Date.now. */
  clock?: () => number;
}

/** Options of the cluster backend. */
export interface ScyllaStoreOptions {
  backend: 'scylla';
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  readConsistency?: ConsistencyName;
  writeConsistency?: ConsistencyName;
  /**
   * Apply the CQL migrations at open with this replication map (e.g. for
   * tests and single-node setups). Production runs the migration command
   * instead and leaves this unset.
   */
  migrateWithReplication?: string;
}

/** Either backend. */
export type StoreOptions = SqliteStoreOptions | ScyllaStoreOptions;

/** Every port on one backend. */
export interface Store {
  /** Which backend this is. */
  readonly backend: 'sqlite' | 'scylla';
  readonly messages: MessageStore;
  readonly guilds: GuildStore;
  readonly users: UserStore;
  readonly readStates: ReadStateStore;
  /** The data service's event outbox (intents recorded before writes). */
  readonly outbox: OutboxStore;
  /** Small JSON documents beside the main tables (application commands, webhooks, interactions). */
  readonly records: RecordStore;
  /** Who reacted to which message with which emoji. */
  readonly reactions: ReactionStore;
  /** Closes the shared connection; the ports must not be used afterwards. Safe to call twice. */
  close(): Promise<void>;
}
