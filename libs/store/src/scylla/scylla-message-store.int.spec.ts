import { describeMessageStoreContract } from '../messages/message-store.contract';
import { ScyllaMessageStore } from './scylla-message-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeMessageStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_messages');
  return {
    store: new ScyllaMessageStore(test.session),
    queryCount: () => test.session.queryCount,
    dispose: test.dispose,
  };
});
