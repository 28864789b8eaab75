import { describeReactionStoreContract } from '../reactions/reaction-store.contract';
import { ScyllaReactionStore } from './scylla-reaction-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeReactionStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_reactions');
  return { store: new ScyllaReactionStore(test.session), dispose: test.dispose };
});
