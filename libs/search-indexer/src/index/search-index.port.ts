/**
 * The search index port: what the indexer writes and the search service
 * reads, in SQLite FTS5 (embedded) or an Elasticsearch cell. Both adapters
 * pass `search-index.contract.ts`.
 *
 * Documents live in a scope: `g:<guild_id>` for a guild's messages, or
 * `u:<user_id>` for the DMs of one user (a DM message is indexed once per
 * participant). A document is identified by (scope, message id).
 *
 * Writes commute, so a batch may apply them in any order and a redelivered
 * event changes nothing:
 * - an upsert replaces the stored document only if its `version` is not
 *   older than the stored one's (an old update arriving late loses);
 * - a delete leaves a tombstone; an upsert never replaces a tombstone, so a
 *   create or update published again after the delete does not resurrect it.
 */

/** Kinds of content a document can have (Discord's `has`). */
export type HasKind = 'link' | 'embed' | 'file' | 'image' | 'video' | 'sound';

/** Every HasKind. */
export const HAS_KINDS: readonly HasKind[] = ['link', 'embed', 'file', 'image', 'video', 'sound'];

/** One message as indexed. */
export interface MessageDocument {
  /** `g:<guild_id>` or `u:<user_id>`. */
  readonly scope: string;
  readonly messageId: string;
  readonly channelId: string;
  /** Unset for DMs. */
  readonly guildId?: string;
  readonly authorId: string;
  readonly content: string;
  readonly mentionUserIds: readonly string[];
  readonly has: readonly HasKind[];
  /** Unix ms of the state indexed (edit time, or creation time); older never overwrites newer. */
  readonly version: number;
}

/** A deleted message in a scope. */
export interface DocumentRef {
  readonly scope: string;
  readonly messageId: string;
  readonly channelId: string;
}

/** A validated search (see `normalizeSearch`). Filters combine with AND; values of one filter with OR. */
export interface SearchQuery {
  readonly scope: string;
  /** Words that must all occur in the content; empty for none. */
  readonly content: string;
  readonly authorIds: readonly string[];
  readonly channelIds: readonly string[];
  readonly mentionUserIds: readonly string[];
  /** Each must be present. */
  readonly has: readonly HasKind[];
  /** Exclusive bounds on the message id. */
  readonly minId?: string;
  readonly maxId?: string;
  /** When set, only these channels (the permission filter, applied in the query so totals are right); empty means no hits. */
  readonly allowedChannelIds?: readonly string[];
  readonly offset: number;
  /** 1..25. */
  readonly limit: number;
  readonly sortBy: 'timestamp' | 'relevance';
  readonly sortOrder: 'desc' | 'asc';
}

/** One hit. */
export interface SearchHitDocument {
  readonly messageId: string;
  readonly channelId: string;
  readonly guildId?: string;
}

/** A page of hits and the number of matching documents before offset and limit. */
export interface SearchPage {
  readonly totalResults: number;
  readonly hits: readonly SearchHitDocument[];
}

/** The index of one cell. */
export interface SearchIndex {
  /** The cell's name (for logs, metrics and errors). */
  readonly cell: string;
  /** Indexes documents (see the write rules above). @throws {IndexWriteError} when any document failed; the caller retries them all. */
  upsertMany(documents: readonly MessageDocument[]): Promise<void>;
  /** Tombstones messages. @throws {IndexWriteError} when any failed. */
  deleteMany(refs: readonly DocumentRef[]): Promise<void>;
  /** Searches one scope. Tombstones never match. */
  search(query: SearchQuery): Promise<SearchPage>;
  /** Live documents in the index (tombstones excluded). */
  countDocuments(): Promise<number>;
  /** Makes every acknowledged write visible to search (a no-op where writes are visible at once). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** The scope of a guild's messages. */
export function guildScope(guildId: string): string {
  return `g:${guildId}`;
}

/** The scope of one user's DMs. */
export function userScope(userId: string): string {
  return `u:${userId}`;
}

/** A snowflake as a fixed-width sort key (20 digits), so text order is numeric order. */
export function idSortKey(id: string): string {
  return id.padStart(20, '0');
}
