import { infra, uniqueName } from '@chat/testing';
import { openStore } from '@chat/store';
import { Client } from 'cassandra-driver';
import { describeOutboxRecovery } from './outbox-recovery.scenarios';

describeOutboxRecovery('scylla (real Cassandra)', async () => {
  const { cassandra } = infra();
  const keyspace = uniqueName('data_outbox');
  const store = await openStore({
    backend: 'scylla',
    contactPoints: cassandra.contactPoints,
    localDataCenter: cassandra.localDataCenter,
    keyspace,
    migrateWithReplication: `{'class':'NetworkTopologyStrategy','${cassandra.localDataCenter}':1}`,
  });
  return {
    store,
    channelId: '1200000000000000021',
    guildId: '1200000000000000020',
    dispose: async () => {
      await store.close();
      const admin = new Client({ contactPoints: cassandra.contactPoints, localDataCenter: cassandra.localDataCenter });
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await admin.shutdown();
    },
  };
});
