/**
 * Answers SearchMessages: validates the request, finds the scope's cell and
 * queries its index. A scope with no allocation has never had a document
 * indexed, so it answers no hits without touching a cell.
 */
import type { searchV1 } from '@chat/proto';
import { UnknownCellError } from './errors';
import type { CellAllocator } from './cells/cell-allocator';
import type { SearchIndex } from './index/search-index.port';
import { normalizeSearch } from './index/search-query';

/** The search side of the search-indexer service. */
export class SearchService {
  constructor(
    private readonly indexes: ReadonlyMap<string, SearchIndex>,
    private readonly allocator: CellAllocator,
  ) {}

  /** @throws {InvalidSearchError} for a bad request. */
  async search(request: searchV1.SearchMessagesRequest): Promise<searchV1.SearchMessagesResponse> {
    const query = normalizeSearch(request);
    const cell = await this.allocator.lookup(query.scope);
    if (cell === undefined) return { totalResults: 0, hits: [] };
    const index = this.indexes.get(cell);
    if (!index) throw new UnknownCellError(cell);
    const page = await index.search(query);
    return { totalResults: page.totalResults, hits: page.hits.map((hit) => ({ messageId: hit.messageId, channelId: hit.channelId, ...(hit.guildId !== undefined ? { guildId: hit.guildId } : {}) })) };
  }
}
