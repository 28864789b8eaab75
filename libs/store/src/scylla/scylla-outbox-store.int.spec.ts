import { describeOutboxStoreContract } from '../outbox/outbox-store.contract';
import { ScyllaOutboxStore } from './scylla-outbox-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeOutboxStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_outbox');
  return { store: new ScyllaOutboxStore(test.session), dispose: test.dispose };
});
