import type cassandra from 'cassandra-driver';
import { InvalidArgumentError } from '@chat/errors';
import { describe, expect, it } from 'vitest';
import { migrateScylla, readScyllaMigrations, SCYLLA_MIGRATIONS_DIR } from './scylla-migrations';

describe('readScyllaMigrations', () => {
  it('reads deploy/scylla/migrations in version order with the keyspace filled in', () => {
    const files = readScyllaMigrations(SCYLLA_MIGRATIONS_DIR, 'chat_test');
    expect(files.map((f) => `${f.version}_${f.name}`)).toEqual(['1_messages', '2_guilds', '3_users', '4_read_states', '5_outbox', '6_read_states_last_mention', '7_records', '8_message_components_origin', '9_reactions', '10_message_poll']);
    for (const file of files) {
      expect(file.checksum).toMatch(/^[0-9a-f]{16}$/);
      for (const statement of file.statements) {
        // Tables are created idempotently; a column is added once (the runner records applied versions).
        expect(statement).toMatch(/^(CREATE TABLE IF NOT EXISTS|ALTER TABLE) chat_test\./);
        expect(statement).not.toContain('{{');
        expect(statement).not.toContain('--');
      }
    }
    const messages = files[0]?.statements.join('\n') ?? '';
    expect(messages).toContain('PRIMARY KEY ((channel_id, bucket), message_id)');
    expect(messages).toContain('CLUSTERING ORDER BY (message_id DESC)');
  });
});

describe('migrateScylla argument checks', () => {
  const unused = {} as cassandra.Client;
  it.each(['chat; DROP KEYSPACE x', '1chat', '', 'a'.repeat(49)])('refuses keyspace %j before touching the cluster', async (keyspace) => {
    await expect(migrateScylla(unused, { keyspace, replication: "{'class':'SimpleStrategy','replication_factor':1}" })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it.each(["{'class':'SimpleStrategy'} AND durable_writes = false", 'dc1:3', "{'class':'NetworkTopologyStrategy','dc1':3}; DROP"])('refuses replication %j', async (replication) => {
    await expect(migrateScylla(unused, { keyspace: 'chat', replication })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
