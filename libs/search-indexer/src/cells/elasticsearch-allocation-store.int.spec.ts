import { infra, uniqueName } from '@chat/testing';
import { allocationStoreContract } from './allocation-store.contract';
import { ElasticsearchAllocationStore } from './elasticsearch-allocation-store';

allocationStoreContract('elasticsearch', async () => {
  const store = new ElasticsearchAllocationStore({ url: infra().elasticsearch.url, indexPrefix: uniqueName('alloc_contract') });
  await store.ensureIndex();
  return {
    store,
    dispose: async () => {
      await store.drop();
      await store.close();
    },
  };
});
