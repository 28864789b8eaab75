import { describeRecordStoreContract } from '../records/record-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteRecordStore } from './sqlite-record-store';

describeRecordStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  let now = 1_800_000_000_000;
  return {
    store: new SqliteRecordStore(db, () => now),
    advanceSeconds: async (seconds) => void (now += seconds * 1000),
    dispose: async () => void db.close(),
  };
});
