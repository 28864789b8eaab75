/** SearchService's gRPC handlers: call the service, map nothing more; errors become status in @chat/rpc's one mapping. */
import type { searchV1 } from '@chat/proto';
import type { AsyncHandlers } from '@chat/rpc';
import type { Histogram } from 'prom-client';
import { errorKindOf } from '@chat/errors';
import type { SearchService } from './search-service';

/** The handlers, timing each search by outcome. */
export function searchServiceHandlers(service: SearchService, seconds?: Histogram<'outcome'>): AsyncHandlers<typeof searchV1.SearchServiceService> {
  return {
    searchMessages: async (request) => {
      const stop = seconds?.startTimer();
      try {
        const response = await service.search(request);
        stop?.({ outcome: 'ok' });
        return response;
      } catch (error) {
        stop?.({ outcome: errorKindOf(error) });
        throw error;
      }
    },
  };
}
