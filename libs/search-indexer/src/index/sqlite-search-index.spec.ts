import { searchIndexContract } from './search-index.contract';
import { SqliteSearchIndex } from './sqlite-search-index';

searchIndexContract('sqlite-fts5', async () => {
  const index = new SqliteSearchIndex({ path: ':memory:' });
  return { index, dispose: () => index.close() };
});
