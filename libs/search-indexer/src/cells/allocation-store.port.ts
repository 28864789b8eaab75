/**
 * Where the scope → cell allocations are kept, so a restart (or another
 * indexer) sends a guild's documents to the same cell. Adapters: SQLite
 * (embedded, and a single indexer) and a `<prefix>-search-allocations` index
 * in the first configured Elasticsearch cell (shared by every indexer).
 */
export interface AllocationStore {
  /** The cell a scope is allocated to, if any. */
  get(scope: string): Promise<string | undefined>;
  /** Stores `cell` for `scope` unless it has one; resolves to the stored cell (the earlier one if another writer won). */
  putIfAbsent(scope: string, cell: string): Promise<string>;
  /** Stores `cell` for `scope`, replacing any allocation (the admin pin). */
  set(scope: string, cell: string): Promise<void>;
  /** Scopes allocated to each cell. */
  counts(): Promise<Map<string, number>>;
  close(): Promise<void>;
}
