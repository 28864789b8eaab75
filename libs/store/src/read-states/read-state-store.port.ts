/**
 * The read-states port: per user and channel, the last message read, how many
 * unread mentions there are and the last pin seen. The read-states service
 * keeps them in memory and writes dirty entries here in batches.
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** One user's read state in one channel. */
export interface ReadState {
  userId: string;
  channelId: string;
  /** Newest message the user has read; null when none yet. */
  lastMessageId: string | null;
  /** Unread mentions since lastMessageId (>= 0). */
  mentionCount: number;
  lastPinTimestamp: Date | null;
  /**
   * Newest message whose mention of the user was counted: the read-states
   * service counts a mention only above it, so a redelivered event does not
   * count twice. Absent when none was counted (adapters leave it out then).
   */
  lastMentionId?: string | null;
}

/** The read-states port. */
export interface ReadStateStore {
  /** One read state, or undefined. */
  get(userId: string, channelId: string, options?: StoreCallOptions): Promise<ReadState | undefined>;
  /** Every read state of a user, ordered by channel id (what READY carries). */
  listByUser(userId: string, options?: StoreCallOptions): Promise<ReadState[]>;
  /** Writes many states at once (whole rows; last write wins); the empty list is a no-op. */
  upsertMany(states: readonly ReadState[], options?: StoreCallOptions): Promise<void>;
  /** Deletes one state; false when there was none. */
  delete(userId: string, channelId: string, options?: StoreCallOptions): Promise<boolean>;
  /** Releases connections (a no-op when the store shares them). */
  close(): Promise<void>;
}
