/**
 * The storage types the data service uses: the messages port that
 * libs/store/src/messages/message-store.port.ts defines (commit 1394149,
 * "the messages port the data service and adapters agree on").
 *
 * @chat/store has no public index yet, and no deep imports are allowed, so
 * this file restates the port structurally; any adapter of that port
 * satisfies it. When @chat/store exports its index, this file becomes
 * `export type { ... } from '@chat/store'` and nothing else changes.
 */

/** A message as stored. `createdAt` is derived from the id's timestamp. */
export interface StoredMessage {
  id: string;
  channelId: string;
  /** Null for DM channels. */
  guildId: string | null;
  authorId: string;
  content: string;
  createdAt: Date;
  editedAt: Date | null;
  tts: boolean;
  mentionEveryone: boolean;
  mentionUserIds: string[];
  mentionRoleIds: string[];
  /** Discord attachment objects as a JSON array string ("[]" when none). */
  attachmentsJson: string;
  /** Discord embed objects as a JSON array string ("[]" when none). */
  embedsJson: string;
  nonce: string | null;
  pinned: boolean;
  /** Discord message type (0 default, 19 reply, ...). */
  type: number;
  flags: number;
  reference: { messageId: string; channelId: string; guildId: string | null } | null;
}

/** What a create needs; the id is issued by the caller (snowflake). */
export type NewMessage = Omit<StoredMessage, 'createdAt' | 'editedAt' | 'pinned'> & { pinned?: boolean };

/** Which page of a channel's history; at most one anchor; limit 1..100. */
export interface HistoryQuery {
  channelId: string;
  limit: number;
  before?: string;
  after?: string;
  around?: string;
}

/** Fields an edit may change; `editedAt` is set by the caller. */
export interface MessagePatch {
  content?: string;
  embedsJson?: string;
  attachmentsJson?: string;
  flags?: number;
  pinned?: boolean;
  mentionEveryone?: boolean;
  mentionUserIds?: string[];
  mentionRoleIds?: string[];
  editedAt: Date;
}

/** Optional per-call controls. */
export interface StoreCallOptions {
  signal?: AbortSignal;
}

/** The messages port. */
export interface MessageStore {
  create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage>;
  get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined>;
  getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]>;
  history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]>;
  edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage>;
  delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean>;
  bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]>;
  close(): Promise<void>;
}
