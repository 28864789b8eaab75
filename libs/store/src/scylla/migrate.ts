/**
 * The migration command. It reads the same keys as the services
 * (CHAT_SCYLLA_CONTACT_POINTS, CHAT_SCYLLA_LOCAL_DC, CHAT_SCYLLA_KEYSPACE,
 * with their defaults) plus CHAT_SCYLLA_REPLICATION, so a deployment sets
 * them once for everything; a flag overrides its key:
 *
 *   node --import tsx libs/store/src/scylla/migrate.ts \
 *     [--contact-points=10.0.0.1:9042,10.0.0.2] [--local-dc=dc1] [--keyspace=chat] \
 *     [--replication="{'class':'NetworkTopologyStrategy','dc1':3}"]
 *
 * Without a replication the keyspace gets NetworkTopologyStrategy with one
 * replica in the local DC (fit for development only). Exits 0 when the schema
 * is current, 1 on failure, 2 on bad arguments or a bad key (named).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, stringSetting } from '@chat/config';
import { storeConfigSchema } from '../store-config';
import { createScyllaClient } from './scylla-session';
import { migrateScylla } from './scylla-migrations';

export { migrateScylla, readScyllaMigrations, SCYLLA_MIGRATIONS_DIR, type ScyllaMigrateOptions, type ScyllaMigrateResult } from './scylla-migrations';

/** The keys the command reads: the store's own, and the keyspace's replication. */
const migrateConfigSchema = {
  contactPoints: storeConfigSchema.scyllaContactPoints,
  localDc: storeConfigSchema.scyllaLocalDc,
  keyspace: storeConfigSchema.scyllaKeyspace,
  replication: stringSetting('CHAT_SCYLLA_REPLICATION', { default: '', description: "the keyspace's replication map as CQL (default: one replica in the local DC)" }),
};

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'contact-points': { type: 'string' },
        'local-dc': { type: 'string' },
        keyspace: { type: 'string' },
        replication: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  let keys;
  try {
    keys = loadConfig(migrateConfigSchema, { env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  const contactPoints = values['contact-points'] !== undefined ? values['contact-points'].split(',').map((s) => s.trim()).filter(Boolean) : keys.contactPoints;
  const keyspace = values.keyspace ?? keys.keyspace;
  const localDc = values['local-dc'] ?? keys.localDc;
  if (contactPoints.length === 0 || !/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(keyspace)) {
    console.error('usage: migrate.ts [--contact-points=host[:port],...] [--keyspace=NAME] [--local-dc=DC] [--replication=CQL_MAP] (defaults: CHAT_SCYLLA_* keys)');
    return 2;
  }
  const replication = values.replication ?? (keys.replication || `{'class':'NetworkTopologyStrategy','${localDc}':1}`);
  const client = createScyllaClient({ contactPoints, localDataCenter: localDc });
  try {
    console.log(`migrating ${keyspace} on ${contactPoints.join(',')} (local DC ${localDc})`);
    await migrateScylla(client, { keyspace, replication, log: (line) => console.log(line) });
    return 0;
  } catch (error) {
    console.error(`migration failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await client.shutdown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
