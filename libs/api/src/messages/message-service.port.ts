/**
 * What the REST API needs of the message service (MessageService over gRPC
 * in production, through @chat/messages-client; a store-backed fake in
 * tests). Shapes follow the store's StoredMessage; the service issues ids.
 */
import type { HistoryQuery, MessageOrigin, StoredMessage } from '@chat/store';

/** A message to create; the service assigns the id and timestamp. */
export interface CreateMessageInput {
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  tts: boolean;
  /** Client nonce ('' for none); echoed on the result. */
  nonce: string;
  enforceNonce: boolean;
  mentionEveryone: boolean;
  mentionUserIds: string[];
  mentionRoleIds: string[];
  embedsJson: string;
  attachmentsJson: string;
  type: number;
  flags: number;
  reference: { messageId: string; channelId: string; guildId: string | null } | null;
  /** DM channels: every recipient, for bus events; empty for guild channels. */
  recipientUserIds: string[];
  /** Message components as a JSON array ("[]" or unset for none). */
  componentsJson?: string;
  /** A webhook's or an application's message. */
  origin?: MessageOrigin | null;
  /** Discord's poll object as a JSON object string; null or unset for none. */
  pollJson?: string | null;
}

/** An edit; unset fields stay. Mentions are replaced when content is set. */
export interface EditMessageInput {
  content?: string;
  mentionEveryone?: boolean;
  mentionUserIds?: string[];
  mentionRoleIds?: string[];
  embedsJson?: string;
  componentsJson?: string;
  /** The attachments kept (an edit can only remove them, or add newly uploaded ones). */
  attachmentsJson?: string;
  flags?: number;
  /** Pin or unpin; alone it does not mark the message edited. */
  pinned?: boolean;
  /** The poll object rewritten (a poll ended early); alone (or with pinned) it does not mark the message edited. */
  pollJson?: string;
  recipientUserIds: string[];
}

/** The message service as the REST API uses it. Unknown messages reject with a NotFoundError (kind not_found). */
export interface RestMessageService {
  /** Creates a message; the result's nonce is the given one. */
  create(input: CreateMessageInput): Promise<StoredMessage>;
  /** One message, or undefined. */
  get(channelId: string, messageId: string): Promise<StoredMessage | undefined>;
  /** A page, newest first. */
  history(query: HistoryQuery): Promise<StoredMessage[]>;
  /** Edits a message and returns it. */
  edit(channelId: string, messageId: string, patch: EditMessageInput): Promise<StoredMessage>;
  /** Deletes a message; the deleted message, or undefined when it did not exist. */
  delete(channelId: string, messageId: string, recipientUserIds: string[]): Promise<StoredMessage | undefined>;
  /** Deletes several messages; the ids that existed. */
  bulkDelete(channelId: string, messageIds: string[]): Promise<string[]>;
}
