/**
 * The event outbox port: where the data service records an event it is
 * about to cause BEFORE the write that causes it, so that an event is never
 * lost when the process dies between the write and the publish. Each
 * data-service instance (owner) has its own list, read in event-id order.
 *
 * Why an intent written first rather than one transaction: on Scylla the
 * message writes are lightweight transactions (IF NOT EXISTS / IF EXISTS),
 * and a conditional batch cannot span the messages partition and an outbox
 * partition. So the entry says what is about to happen, and whoever replays
 * it checks the messages table to learn whether it did (see the data
 * service's outbox recovery). Both adapters work the same way.
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** What the event is about; recovery checks the messages table accordingly. */
export type OutboxEventKind = 'created' | 'updated' | 'deleted' | 'bulk_deleted';

/** One recorded event intent. */
export interface OutboxEntry {
  /** The data-service instance that wrote it (CHAT_NODE_ID): each instance replays its own. */
  owner: string;
  /** The event's id (snowflake), also the order of the list. */
  eventId: string;
  kind: OutboxEventKind;
  channelId: string;
  /** The message ids the write touches (one, or several for a bulk delete). */
  messageIds: string[];
  /** The encoded event envelope to publish (for `updated`, the edit before it was applied: recovery re-reads the message). */
  value: Uint8Array;
  /** When the intent was recorded. */
  createdAt: Date;
}

/** The outbox port. */
export interface OutboxStore {
  /** Records an intent durably; resolves once the write is acknowledged. Same (owner, eventId) again overwrites. */
  put(entry: OutboxEntry, options?: StoreCallOptions): Promise<void>;
  /** The owner's entries with eventId above `afterEventId` (all when unset), oldest first, at most `limit` (1..1000). */
  list(owner: string, query: { afterEventId?: string; limit: number }, options?: StoreCallOptions): Promise<OutboxEntry[]>;
  /** Drops entries (published, or found to have no write behind them). Unknown ids are ignored. */
  remove(owner: string, eventIds: readonly string[], options?: StoreCallOptions): Promise<void>;
}
