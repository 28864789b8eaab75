import { describeGuildStoreContract } from '../guilds/guild-store.contract';
import { ScyllaGuildStore } from './scylla-guild-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeGuildStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_guilds');
  return { store: new ScyllaGuildStore(test.session), dispose: test.dispose };
});
