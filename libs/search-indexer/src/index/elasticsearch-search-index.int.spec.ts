import { infra, uniqueName } from '@chat/testing';
import { ElasticsearchSearchIndex } from './elasticsearch-search-index';
import { searchIndexContract } from './search-index.contract';

searchIndexContract('elasticsearch', async () => {
  const index = new ElasticsearchSearchIndex({ cell: 'test', url: infra().elasticsearch.url, indexPrefix: uniqueName('search-contract').toLowerCase(), replicas: 0 });
  await index.ensureIndices();
  return {
    index,
    dispose: async () => {
      await index.dropIndices();
      await index.close();
    },
  };
});
