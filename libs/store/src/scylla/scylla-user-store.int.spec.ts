import { describeUserStoreContract } from '../users/user-store.contract';
import { ScyllaUserStore } from './scylla-user-store';
import { createTestKeyspace } from './scylla-test-keyspace';

describeUserStoreContract('scylla (real Cassandra)', async () => {
  const test = await createTestKeyspace('store_users');
  const { session } = test;
  return {
    store: new ScyllaUserStore(session),
    storedSecrets: async (userId) => {
      const user = await session.client.execute(`SELECT password_hash FROM ${session.table('users')} WHERE id = ?`, [BigInt(userId)], { prepare: true });
      const tokens = await session.client.execute(`SELECT token_hash FROM ${session.table('tokens_by_user')} WHERE user_id = ?`, [BigInt(userId)], { prepare: true });
      const all = await session.client.execute(`SELECT token_hash, user_id FROM ${session.table('tokens')}`);
      const primary = all.rows.filter((r) => String(r.get('user_id')) === userId).map((r) => r.get('token_hash') as string);
      const index = tokens.rows.map((r) => r.get('token_hash') as string);
      // Both the primary table and the per-user index must hold the same hashes.
      if ([...primary].sort().join() !== [...index].sort().join()) throw new Error(`tokens ${primary} vs tokens_by_user ${index}`);
      return { passwordHash: (user.first()?.get('password_hash') as string | null) ?? null, tokenKeys: index };
    },
    dispose: test.dispose,
  };
});
