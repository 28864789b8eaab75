/**
 * The one way services get a store: `openStore(options)` returns every port
 * on the chosen backend, sharing one connection (one SQLite database, or one
 * driver client), and a `close()` that releases it.
 */
import { SchemaMigrationError, StoreConfigError, StoreUnavailableError } from './errors';
import { migrateScylla } from './scylla/scylla-migrations';
import { ScyllaGuildStore } from './scylla/scylla-guild-store';
import { ScyllaMessageStore } from './scylla/scylla-message-store';
import { ScyllaOutboxStore } from './scylla/scylla-outbox-store';
import { ScyllaReactionStore } from './scylla/scylla-reaction-store';
import { ScyllaReadStateStore } from './scylla/scylla-read-state-store';
import { ScyllaRecordStore } from './scylla/scylla-record-store';
import { createScyllaClient, ScyllaSession } from './scylla/scylla-session';
import { ScyllaUserStore } from './scylla/scylla-user-store';
import { openSqliteDatabase } from './sqlite/sqlite-database';
import { SqliteGuildStore } from './sqlite/sqlite-guild-store';
import { SqliteMessageStore } from './sqlite/sqlite-message-store';
import { SqliteOutboxStore } from './sqlite/sqlite-outbox-store';
import { SqliteReactionStore } from './sqlite/sqlite-reaction-store';
import { SqliteReadStateStore } from './sqlite/sqlite-read-state-store';
import { SqliteRecordStore } from './sqlite/sqlite-record-store';
import { SqliteUserStore } from './sqlite/sqlite-user-store';
import type { Store, StoreOptions } from './store-options';

export type { ScyllaStoreOptions, SqliteStoreOptions, Store, StoreOptions } from './store-options';

/**
 * Opens the store. SQLite opens (and migrates) the file synchronously; Scylla
 * connects and fails fast when no contact point answers.
 *
 * @throws {StoreConfigError} for an unknown backend or missing options.
 * @throws {StoreUnavailableError} when the database cannot be opened or reached.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.backend === 'sqlite') {
    if (!options.path) throw new StoreConfigError('path', 'is required for the sqlite backend');
    const db = openSqliteDatabase({ path: options.path });
    let closed = false;
    return {
      backend: 'sqlite',
      messages: new SqliteMessageStore(db),
      guilds: new SqliteGuildStore(db),
      users: new SqliteUserStore(db),
      readStates: new SqliteReadStateStore(db),
      outbox: new SqliteOutboxStore(db),
      records: new SqliteRecordStore(db, options.clock),
      reactions: new SqliteReactionStore(db),
      close: async () => {
        if (closed) return;
        closed = true;
        db.close();
      },
    };
  }
  if (options.backend === 'scylla') {
    if (options.contactPoints.length === 0) throw new StoreConfigError('contactPoints', 'must list at least one host');
    if (!options.localDataCenter) throw new StoreConfigError('localDataCenter', 'is required for the scylla backend');
    const client = createScyllaClient({ contactPoints: options.contactPoints, localDataCenter: options.localDataCenter });
    try {
      await client.connect();
      if (options.migrateWithReplication) {
        await migrateScylla(client, { keyspace: options.keyspace, replication: options.migrateWithReplication });
      }
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      if (error instanceof StoreConfigError) throw error;
      if (error instanceof SchemaMigrationError) throw error;
      throw new StoreUnavailableError('scylla', `connect to ${options.contactPoints.join(',')}`, { cause: error });
    }
    const session = new ScyllaSession(client, options.keyspace, { read: options.readConsistency, write: options.writeConsistency });
    let closed = false;
    return {
      backend: 'scylla',
      messages: new ScyllaMessageStore(session),
      guilds: new ScyllaGuildStore(session),
      users: new ScyllaUserStore(session),
      readStates: new ScyllaReadStateStore(session),
      outbox: new ScyllaOutboxStore(session),
      records: new ScyllaRecordStore(session),
      reactions: new ScyllaReactionStore(session),
      close: async () => {
        if (closed) return;
        closed = true;
        await session.shutdown();
      },
    };
  }
  throw new StoreConfigError('backend', `must be sqlite or scylla, got ${JSON.stringify((options as { backend: unknown }).backend)}`);
}
