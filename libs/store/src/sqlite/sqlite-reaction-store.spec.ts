import { describeReactionStoreContract } from '../reactions/reaction-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteReactionStore } from './sqlite-reaction-store';

describeReactionStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return { store: new SqliteReactionStore(db), dispose: async () => void db.close() };
});
