import { describeReadStateStoreContract } from '../read-states/read-state-store.contract';
import { ScyllaReadStateStore } from './scylla-read-state-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeReadStateStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_read_states');
  return { store: new ScyllaReadStateStore(test.session), dispose: test.dispose };
});
