import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { infra } from './endpoints';
import { uniqueName } from './unique-name';

describe('cassandra (real node)', () => {
  const { cassandra: endpoint } = infra();
  const keyspace = uniqueName('smoke');
  const client = new cassandra.Client({
    contactPoints: endpoint.contactPoints,
    localDataCenter: endpoint.localDataCenter,
    encoding: { useBigIntAsLong: true },
  });

  beforeAll(async () => {
    await client.connect();
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(
      `CREATE TABLE ${keyspace}.messages (channel_id bigint, message_id bigint, content text,
         PRIMARY KEY (channel_id, message_id)) WITH CLUSTERING ORDER BY (message_id DESC)`,
    );
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('reports the release it runs', async () => {
    const row = (await client.execute('SELECT release_version FROM system.local')).first();
    expect(row?.['release_version']).toBe(endpoint.version);
  });

  it('inserts rows and selects them back in clustering order, 64-bit ids intact', async () => {
    const channel = 175928847299117063n;
    const insert = `INSERT INTO ${keyspace}.messages (channel_id, message_id, content) VALUES (?, ?, ?)`;
    await client.execute(insert, [channel, 9007199254740993n, 'first'], { prepare: true });
    await client.execute(insert, [channel, 9007199254740995n, 'second'], { prepare: true });

    const result = await client.execute(
      `SELECT message_id, content FROM ${keyspace}.messages WHERE channel_id = ?`,
      [channel],
      { prepare: true },
    );
    expect(result.rows.map((r) => [r['message_id'], r['content']])).toEqual([
      [9007199254740995n, 'second'],
      [9007199254740993n, 'first'],
    ]);
  });
});
