/**
 * Test helper for the Scylla integration specs (not exported by the lib): a
 * fresh, migrated keyspace on the real Cassandra of the integration run,
 * dropped again by `dispose()`.
 */
import { infra, uniqueName } from '@chat/testing';
import { migrateScylla } from './scylla-migrations';
import { createScyllaClient, ScyllaSession } from './scylla-session';

/** A migrated test keyspace and a session on it. */
export interface TestKeyspace {
  session: ScyllaSession;
  keyspace: string;
  contactPoints: string[];
  localDataCenter: string;
  /** Drops the keyspace and shuts the client down. */
  dispose: () => Promise<void>;
}

/** Where Cassandra is: the integration setup's `infra()`, or CASSANDRA_CONTACT_POINTS / CASSANDRA_LOCAL_DC. */
export function cassandraEndpoint(): { contactPoints: string[]; localDataCenter: string } {
  const fromEnv = process.env.CASSANDRA_CONTACT_POINTS;
  if (fromEnv) return { contactPoints: fromEnv.split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1' };
  const { cassandra } = infra();
  return { contactPoints: cassandra.contactPoints, localDataCenter: cassandra.localDataCenter };
}

/** Creates and migrates a uniquely named keyspace (replication factor 1: the test node is alone). */
export async function createTestKeyspace(prefix: string): Promise<TestKeyspace> {
  const endpoint = cassandraEndpoint();
  const keyspace = uniqueName(prefix);
  const client = createScyllaClient(endpoint);
  await migrateScylla(client, {
    keyspace,
    replication: `{'class':'NetworkTopologyStrategy','${endpoint.localDataCenter}':1}`,
  });
  const session = new ScyllaSession(client, keyspace, { read: 'LOCAL_QUORUM', write: 'LOCAL_QUORUM' });
  return {
    session,
    keyspace,
    ...endpoint,
    dispose: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
}
