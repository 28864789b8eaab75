/**
 * The REST API's search dependency over gRPC: SearchService clients for the
 * search nodes (CHAT_API_SEARCH_NODES, or this process), used in turn.
 * Any search node answers any query (the cells and allocations are shared),
 * so there is no affinity to keep.
 */
import { searchV1 } from '@chat/proto';
import { createServiceClient, type ServiceClient } from '@chat/rpc';
import type { RestSearchService } from '../rest-deps';

/** A RestSearchService that owns its channels. */
export interface GrpcSearchService extends RestSearchService {
  close(): void;
}

/** Clients for `addresses` (host:port), round robin; each call has a deadline of `timeoutMs` (default 5000). */
export function grpcSearchService(addresses: readonly string[], options: { timeoutMs?: number } = {}): GrpcSearchService {
  const clients: ServiceClient<typeof searchV1.SearchServiceService>[] = addresses.map((address) => createServiceClient(searchV1.SearchServiceService, address, { defaultTimeoutMs: options.timeoutMs ?? 5000 }));
  let next = 0;
  return {
    async searchMessages(request) {
      const client = clients[next++ % clients.length];
      if (!client) throw new Error('no search node configured');
      return client.searchMessages(request);
    },
    close() {
      for (const client of clients) client.close();
    },
  };
}
