import { describeOutboxStoreContract } from '../outbox/outbox-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteOutboxStore } from './sqlite-outbox-store';

describeOutboxStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return { store: new SqliteOutboxStore(db), dispose: async () => void db.close() };
});
