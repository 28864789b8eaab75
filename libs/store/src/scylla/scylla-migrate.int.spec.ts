import { StoreUnavailableError } from '../errors';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from '@chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../open-store';
import { SchemaMigrationError } from '../errors';
import { migrateScylla, SCYLLA_MIGRATIONS_DIR } from './scylla-migrations';
import { createScyllaClient } from './scylla-session';
import { cassandraEndpoint } from './scylla-test-keyspace';

const run = promisify(execFile);

describe('Scylla migrations on real Cassandra', () => {
  const endpoint = cassandraEndpoint();
  const replication = `{'class':'NetworkTopologyStrategy','${endpoint.localDataCenter}':1}`;
  const client = createScyllaClient(endpoint);
  const keyspaces: string[] = [];
  const keyspace = (prefix: string) => {
    const name = uniqueName(prefix);
    keyspaces.push(name);
    return name;
  };
  beforeAll(async () => client.connect());
  afterAll(async () => {
    for (const name of keyspaces) await client.execute(`DROP KEYSPACE IF EXISTS ${name}`);
    await client.shutdown();
  });

  it('applies every file once, records it, and applies nothing the second time', async () => {
    const ks = keyspace('store_migrate');
    const lines: string[] = [];
    const first = await migrateScylla(client, { keyspace: ks, replication, log: (line) => lines.push(line) });
    expect(first).toEqual({ applied: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], skipped: [] });
    expect(lines.some((line) => line.startsWith('0001_messages: applied'))).toBe(true);
    const second = await migrateScylla(client, { keyspace: ks, replication });
    expect(second).toEqual({ applied: [], skipped: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const rows = await client.execute(`SELECT version, name FROM ${ks}.schema_migrations`);
    expect(rows.rows.map((r) => r.get('version') as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const tables = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [ks], { prepare: true });
    expect(tables.rows.map((r) => r.get('table_name') as string)).toEqual(expect.arrayContaining(['messages', 'channel_buckets', 'guilds', 'members', 'users', 'tokens', 'read_states', 'outbox', 'records']));
  });

  it('refuses to run when an applied file was edited', async () => {
    const ks = keyspace('store_edited');
    const dir = mkdtempSync(join(tmpdir(), 'store-migrations-'));
    try {
      cpSync(SCYLLA_MIGRATIONS_DIR, dir, { recursive: true });
      await migrateScylla(client, { keyspace: ks, replication, directory: dir });
      writeFileSync(join(dir, '0004_read_states.cql'), `-- edited\nCREATE TABLE IF NOT EXISTS {{keyspace}}.x (a int PRIMARY KEY);\n`);
      await expect(migrateScylla(client, { keyspace: ks, replication, directory: dir })).rejects.toBeInstanceOf(SchemaMigrationError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the migrate command prints progress and exits 0, twice', async () => {
    const ks = keyspace('store_cli');
    const args = ['--import', 'tsx', 'libs/store/src/scylla/migrate.ts', `--contact-points=${endpoint.contactPoints.join(',')}`, `--local-dc=${endpoint.localDataCenter}`, `--keyspace=${ks}`, `--replication=${replication}`];
    const first = await run(process.execPath, args, { cwd: join(SCYLLA_MIGRATIONS_DIR, '../../..') });
    expect(first.stdout).toContain('0003_users: applied');
    expect(first.stdout).toContain('done: 10 applied, 0 already there');
    const second = await run(process.execPath, args, { cwd: join(SCYLLA_MIGRATIONS_DIR, '../../..') });
    expect(second.stdout).toContain('done: 0 applied, 10 already there');
    await expect(run(process.execPath, ['--import', 'tsx', 'libs/store/src/scylla/migrate.ts', '--keyspace=1bad'], { cwd: join(SCYLLA_MIGRATIONS_DIR, '../../..') })).rejects.toMatchObject({ code: 2 });
  });

  it('the migrate command reads the CHAT_SCYLLA_* keys the services read, and names a bad one', async () => {
    const ks = keyspace('store_keys');
    const cwd = join(SCYLLA_MIGRATIONS_DIR, '../../..');
    const env = {
      ...process.env,
      CHAT_SCYLLA_CONTACT_POINTS: endpoint.contactPoints.join(','),
      CHAT_SCYLLA_LOCAL_DC: endpoint.localDataCenter,
      CHAT_SCYLLA_KEYSPACE: ks,
      CHAT_SCYLLA_REPLICATION: replication,
    };
    const migrated = await run(process.execPath, ['--import', 'tsx', 'libs/store/src/scylla/migrate.ts'], { cwd, env });
    expect(migrated.stdout).toContain(`migrating ${ks} on ${endpoint.contactPoints.join(',')}`);
    expect(migrated.stdout).toContain('done: 10 applied, 0 already there');
    await expect(run(process.execPath, ['--import', 'tsx', 'libs/store/src/scylla/migrate.ts'], { cwd, env: { ...env, CHAT_SCYLLA_KEYSPACE: 'drop table;' } })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('CHAT_SCYLLA_KEYSPACE'),
    });
  });

  it('openStore(scylla) migrates when asked, serves every port, and closes', async () => {
    const ks = keyspace('store_open');
    const store = await openStore({ backend: 'scylla', ...endpoint, keyspace: ks, migrateWithReplication: replication });
    expect(store.backend).toBe('scylla');
    const userId = '175928847299117063';
    await store.users.createUser({ id: userId, username: 'scyllauser' });
    await store.readStates.upsertMany([{ userId, channelId: '175928847299117064', lastMessageId: null, mentionCount: 2, lastPinTimestamp: null }]);
    expect((await store.users.getUserByUsername('ScyllaUser'))?.id).toBe(userId);
    expect((await store.readStates.listByUser(userId)).map((s) => s.mentionCount)).toEqual([2]);
    await store.close();
    await store.close();
  });

  it('openStore(scylla) fails fast with StoreUnavailableError when nothing listens', async () => {
    await expect(openStore({ backend: 'scylla', contactPoints: ['127.0.0.1:1'], localDataCenter: 'dc1', keyspace: 'chat' })).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
