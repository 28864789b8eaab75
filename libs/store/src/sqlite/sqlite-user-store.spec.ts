import { describeUserStoreContract } from '../users/user-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteUserStore } from './sqlite-user-store';

describeUserStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return {
    store: new SqliteUserStore(db),
    storedSecrets: async (userId) => ({
      passwordHash: (db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(BigInt(userId)) as string | null) ?? null,
      tokenKeys: db.prepare('SELECT token_hash FROM tokens WHERE user_id = ?').pluck().all(BigInt(userId)) as string[],
    }),
    dispose: async () => void db.close(),
  };
});
