/**
 * A fresh, migrated keyspace for one benchmark run, opened through
 * @chat/store's `openStore` (the Scylla adapter, as the services use it),
 * and dropped at the end.
 */
import { createScyllaClient, migrateScylla, openStore, type Store } from '@chat/store';
import type { CassandraLease } from './cassandra';
import { onCleanup } from './cleanup';

/** An open store on a throwaway keyspace. */
export interface BenchKeyspace {
  store: Store;
  keyspace: string;
  /** The server's release_version (system.local). */
  serverVersion: string;
  /** Time to create the keyspace and apply every migration, in ms. */
  migrateMs: number;
  /** Closes the store, drops the keyspace and closes the admin client (also registered with onCleanup). Safe to call twice. */
  drop(): Promise<void>;
}

/** Creates `bench_<prefix>_<time>_<random>`, migrates it (deploy/scylla/migrations) and opens the store on it. */
export async function openBenchKeyspace(cassandra: CassandraLease, prefix: string, log: (line: string) => void = console.log): Promise<BenchKeyspace> {
  const keyspace = `bench_${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const endpoint = { contactPoints: cassandra.contactPoints, localDataCenter: cassandra.localDataCenter };
  const admin = createScyllaClient({ ...endpoint, requestTimeoutMs: 60_000 });
  let dropped = false;
  let opened: Store | undefined;
  const drop = async (store?: Store) => {
    if (dropped) return;
    dropped = true;
    await store?.close();
    const started = performance.now();
    try {
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      log(`scylla: dropped keyspace ${keyspace} in ${Math.round(performance.now() - started)} ms`);
    } finally {
      await admin.shutdown();
    }
  };
  const cleanup = onCleanup(`drop keyspace ${keyspace}`, () => drop(opened));
  try {
    await admin.connect();
    const version = (await admin.execute('SELECT release_version FROM system.local')).first()?.get('release_version') as string | undefined;
    log(`scylla: creating and migrating keyspace ${keyspace} on Cassandra ${version ?? '?'}`);
    const started = performance.now();
    await migrateScylla(admin, {
      keyspace,
      replication: `{'class':'NetworkTopologyStrategy','${cassandra.localDataCenter}':1}`,
      log: (line) => log(`  migrate: ${line}`),
    });
    const migrateMs = performance.now() - started;
    const store = await openStore({ backend: 'scylla', ...endpoint, keyspace });
    opened = store;
    return { store, keyspace, serverVersion: version ?? 'unknown', migrateMs, drop: cleanup };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}
