import { setTimeout as sleep } from 'node:timers/promises';
import { describeRecordStoreContract } from '../records/record-store.contract';
import { ScyllaRecordStore } from './scylla-record-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeRecordStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_records');
  // Scylla's TTL runs on the server's clock: the contract waits for real.
  return { store: new ScyllaRecordStore(test.session), advanceSeconds: (seconds) => sleep(seconds * 1000 + 200), dispose: test.dispose };
});
