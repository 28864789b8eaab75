import { describeMessageStoreContract } from '../messages/message-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteMessageStore } from './sqlite-message-store';

describeMessageStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return { store: new SqliteMessageStore(db), dispose: async () => void db.close() };
});
