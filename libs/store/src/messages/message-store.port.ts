/**
 * The messages port: what the data service needs from storage. Adapters:
 * SQLite (embedded default) and Scylla/Cassandra (partition per channel and
 * ten-day bucket). Both pass the same contract suite.
 *
 * Ids are snowflake strings. Pages are returned newest first, as Discord's
 * GET /channels/{id}/messages does for before, after and around alike.
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
  /** Discord message components (action rows of buttons and selects) as a JSON array string ("[]" when none). */
  componentsJson: string;
  /** Where the message came from when not from a user typing it: a webhook, an application's interaction. */
  origin: MessageOrigin | null;
  /** Discord's poll object (question, answers, expiry, allow_multiselect, layout_type) as a JSON object string; null when the message has no poll. */
  pollJson: string | null;
}

/** Who posted a message on whose behalf (stored together in one column). */
export interface MessageOrigin {
  /** The webhook that posted it; the author id is then the webhook's id. */
  webhookId?: string;
  /** The application that posted it (an interaction's response or follow-up). */
  applicationId?: string;
  /** Discord's interaction_metadata object, as JSON text. */
  interactionMetadataJson?: string;
  /** A webhook's per-message name and avatar. */
  authorOverride?: { username: string; avatar: string | null };
}

/** What a create needs: everything but what the store derives. The id is issued by the caller (snowflake). */
export type NewMessage = Omit<StoredMessage, 'createdAt' | 'editedAt' | 'pinned' | 'componentsJson' | 'origin' | 'pollJson'> & {
  pinned?: boolean;
  componentsJson?: string;
  origin?: MessageOrigin | null;
  pollJson?: string | null;
};

/** Which page of a channel's history; at most one anchor. */
export interface HistoryQuery {
  channelId: string;
  /** 1..100 */
  limit: number;
  /** Messages strictly older than this id. */
  before?: string;
  /** Messages strictly newer than this id (the `limit` oldest of them). */
  after?: string;
  /** Up to `limit` messages centred on this id, including it when it exists. */
  around?: string;
}

/**
 * Fields an edit may change; `editedAt` is set by the store's caller, and left as it was when unset (a pin is not an edit,
 * nor is rewriting the poll of a poll ended early).
 */
export interface MessagePatch {
  content?: string;
  embedsJson?: string;
  attachmentsJson?: string;
  componentsJson?: string;
  /** The poll object rewritten (a poll ended early); a poll is set at create and never removed. */
  pollJson?: string;
  flags?: number;
  pinned?: boolean;
  mentionEveryone?: boolean;
  mentionUserIds?: string[];
  mentionRoleIds?: string[];
  editedAt?: Date;
}

/** Optional per-call controls. */
export interface StoreCallOptions {
  /** Abandons the query (where the driver allows) and rejects with a CancelledError. */
  signal?: AbortSignal;
}

/** The messages port. */
export interface MessageStore {
  /** Writes a message durably; resolves only when the write is acknowledged. Duplicate id -> ConflictError. */
  create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage>;
  /** One message, or undefined. */
  get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined>;
  /** Several messages of one channel by id, in id-descending order; missing ids are left out. */
  getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]>;
  /** A page of history, newest first. */
  history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]>;
  /** Applies a patch; NotFoundError when the message does not exist. */
  edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage>;
  /** Deletes one message; false when it did not exist. */
  delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean>;
  /** Deletes several messages of one channel; returns the ids that existed and were deleted. */
  bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]>;
  /** Releases connections. */
  close(): Promise<void>;
}
