import { describeGuildStoreContract } from '../guilds/guild-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteGuildStore } from './sqlite-guild-store';

describeGuildStoreContract('sqlite (in memory)', async () => {
  const db = openSqliteDatabase({ path: ':memory:' });
  return { store: new SqliteGuildStore(db), dispose: async () => void db.close() };
});
