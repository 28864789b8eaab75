/**
 * The migration command:
 *
 *   node --import tsx libs/store/src/scylla/migrate.ts \
 *     --contact-points=10.0.0.1:9042,10.0.0.2 --local-dc=dc1 --keyspace=chat \
 *     [--replication="{'class':'NetworkTopologyStrategy','dc1':3}"]
 *
 * Without --replication the keyspace gets NetworkTopologyStrategy with one
 * replica in the local DC (fit for development only). Exits 0 when the schema
 * is current, 1 on failure, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { createScyllaClient } from './scylla-session';
import { migrateScylla } from './scylla-migrations';

export { migrateScylla, readScyllaMigrations, SCYLLA_MIGRATIONS_DIR, type ScyllaMigrateOptions, type ScyllaMigrateResult } from './scylla-migrations';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'contact-points': { type: 'string' },
        'local-dc': { type: 'string', default: 'datacenter1' },
        keyspace: { type: 'string' },
        replication: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const contactPoints = (values['contact-points'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const keyspace = values.keyspace;
  const localDc = values['local-dc'] as string;
  if (contactPoints.length === 0 || !keyspace) {
    console.error('usage: migrate.ts --contact-points=host[:port],... --keyspace=NAME [--local-dc=DC] [--replication=CQL_MAP]');
    return 2;
  }
  const replication = values.replication ?? `{'class':'NetworkTopologyStrategy','${localDc}':1}`;
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
