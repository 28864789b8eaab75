import { grpcServiceModule } from '@chat/modules';
import { searchV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The search-indexer service module: consumes message events, bulk-indexes into Elasticsearch cells, answers searches.
 * Today it serves its contract (SearchService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #5 fills it in.
 */
export const searchIndexerModule = grpcServiceModule({
  name: 'search-indexer',
  definition: searchV1.SearchServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(searchV1.SearchServiceService, 'issue #5'),
});
