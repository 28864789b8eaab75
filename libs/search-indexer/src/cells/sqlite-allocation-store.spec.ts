import { allocationStoreContract } from './allocation-store.contract';
import { SqliteAllocationStore } from './sqlite-allocation-store';

allocationStoreContract('sqlite', async () => {
  const store = new SqliteAllocationStore(':memory:');
  return { store, dispose: () => store.close() };
});
