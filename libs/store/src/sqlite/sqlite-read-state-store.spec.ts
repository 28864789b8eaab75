import { describeReadStateStoreContract } from '../read-states/read-state-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteReadStateStore } from './sqlite-read-state-store';

describeReadStateStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return { store: new SqliteReadStateStore(db), dispose: async () => void db.close() };
});
