import type { messagesV1 } from '@chat/proto';
import { isSnowflake, timestampOf } from '@chat/snowflake';
import { ContentTooLongError, EmptyMessageError, InvalidFieldError } from './errors';
import type { HistoryQuery, MessageOrigin, MessagePatch, NewMessage } from './store.types';

/** Discord's content limit, in Unicode code points. */
export const MAX_CONTENT_CHARACTERS = 2000;
/** Discord's nonce limit, in characters. */
export const MAX_NONCE_LENGTH = 25;
/** Most ids in one BatchGetMessages or BulkDeleteMessages. */
export const MAX_IDS_PER_CALL = 100;
/** Bulk delete refuses messages older than this (Discord's rule). */
export const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

const MAX_STORABLE_ID = (1n << 63n) - 1n;

/** A validated CreateMessage: the message minus its id, plus what only the call needs. */
export interface CreateCommand {
  message: Omit<NewMessage, 'id'>;
  enforceNonce: boolean;
  recipientUserIds: string[];
}

/** A validated EditMessage. */
export interface EditCommand {
  channelId: string;
  messageId: string;
  patch: Omit<MessagePatch, 'editedAt'>;
  recipientUserIds: string[];
}

/** A validated DeleteMessage. */
export interface DeleteCommand {
  channelId: string;
  messageId: string;
  recipientUserIds: string[];
}

/** A validated message address (GetMessage). */
export interface MessageAddress {
  channelId: string;
  messageId: string;
}

/** A validated id list of one channel (BatchGetMessages, BulkDeleteMessages). */
export interface MessageIdList {
  channelId: string;
  messageIds: string[];
}

/**
 * Checks a snowflake field: canonical decimal, non-zero, below 2^63 (both
 * stores keep ids as signed 64-bit integers).
 *
 * @throws {InvalidFieldError} naming `field`.
 */
export function snowflakeField(field: string, value: string): string {
  if (value === '') throw new InvalidFieldError(field, 'is required');
  if (!isSnowflake(value)) throw new InvalidFieldError(field, `must be a snowflake (decimal digits, no leading zeros), got ${JSON.stringify(String(value).slice(0, 40))}`);
  const id = BigInt(value);
  if (id === 0n || id > MAX_STORABLE_ID) throw new InvalidFieldError(field, `must be a snowflake between 1 and 2^63-1, got ${value}`);
  return value;
}

function optionalSnowflake(field: string, value: string | undefined): string | null {
  return value === undefined || value === '' ? null : snowflakeField(field, value);
}

function snowflakeList(field: string, values: readonly string[]): string[] {
  return values.map((value, index) => snowflakeField(`${field}[${index}]`, value));
}

/** Unicode code points in `text`: what Discord's 2000-character limit counts (an emoji such as U+1F600 is 1, not 2). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function contentField(content: string): string {
  // UTF-16 length is an upper bound on code points: skip the walk for short text.
  if (content.length > MAX_CONTENT_CHARACTERS) {
    const characters = characterCount(content);
    if (characters > MAX_CONTENT_CHARACTERS) throw new ContentTooLongError(characters, MAX_CONTENT_CHARACTERS);
  }
  return content;
}

/** A JSON array given as bytes; empty bytes mean "[]". */
function jsonArrayField(field: string, bytes: Uint8Array | undefined): string {
  return jsonArray(field, bytes).json;
}

function jsonArray(field: string, bytes: Uint8Array | undefined): { json: string; items: number } {
  if (!bytes || bytes.length === 0) return { json: '[]', items: 0 };
  const text = Buffer.from(bytes).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidFieldError(field, 'must be a JSON array');
  }
  if (!Array.isArray(parsed)) throw new InvalidFieldError(field, 'must be a JSON array');
  return { json: text, items: parsed.length };
}

function uint32Field(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidFieldError(field, 'must be a 32-bit unsigned integer');
  return value;
}

/** @throws {InvalidFieldError | ContentTooLongError | EmptyMessageError} */
export function validateCreate(request: messagesV1.CreateMessageRequest): CreateCommand {
  const channelId = snowflakeField('channel_id', request.channelId);
  const content = contentField(request.content);
  const attachments = jsonArray('attachments_json', request.attachmentsJson);
  const embeds = jsonArray('embeds_json', request.embedsJson);
  const components = jsonArray('components_json', request.componentsJson);
  const poll = request.pollJson === undefined ? null : jsonObjectText('poll_json', request.pollJson);
  // A deferred interaction response (flag LOADING, 1 << 7) is empty until the application edits it.
  const loading = (request.flags & (1 << 7)) !== 0;
  // A system message (6: "pinned a message") has no content of its own.
  const system = request.type === 6;
  if (!loading && !system && content.trim() === '' && attachments.items === 0 && embeds.items === 0 && components.items === 0 && poll === null) throw new EmptyMessageError();
  if (characterCount(request.nonce) > MAX_NONCE_LENGTH) throw new InvalidFieldError('nonce', `must be at most ${MAX_NONCE_LENGTH} characters`);
  if (request.enforceNonce && request.nonce === '') throw new InvalidFieldError('nonce', 'is required when enforce_nonce is set');
  const reference = request.messageReference;
  return {
    message: {
      channelId,
      guildId: optionalSnowflake('guild_id', request.guildId),
      authorId: snowflakeField('author_id', request.authorId),
      content,
      tts: request.tts,
      mentionEveryone: request.mentionEveryone,
      mentionUserIds: snowflakeList('mention_user_ids', request.mentionUserIds),
      mentionRoleIds: snowflakeList('mention_role_ids', request.mentionRoleIds),
      attachmentsJson: attachments.json,
      embedsJson: embeds.json,
      nonce: request.nonce === '' ? null : request.nonce,
      type: uint32Field('type', request.type),
      flags: uint32Field('flags', request.flags),
      reference: reference
        ? {
            messageId: snowflakeField('message_reference.message_id', reference.messageId),
            channelId: snowflakeField('message_reference.channel_id', reference.channelId),
            guildId: optionalSnowflake('message_reference.guild_id', reference.guildId),
          }
        : null,
      componentsJson: components.json,
      origin: originOf(request),
      pollJson: poll,
    },
    enforceNonce: request.enforceNonce,
    recipientUserIds: snowflakeList('recipient_user_ids', request.recipientUserIds),
  };
}

/** Who the message is posted for: a webhook, an application's interaction; null for a user's own message. */
function originOf(request: messagesV1.CreateMessageRequest): MessageOrigin | null {
  const origin: MessageOrigin = {};
  if (request.webhookId !== undefined) origin.webhookId = snowflakeField('webhook_id', request.webhookId);
  if (request.applicationId !== undefined) origin.applicationId = snowflakeField('application_id', request.applicationId);
  if (request.interactionMetadataJson.length > 0) origin.interactionMetadataJson = jsonObjectText('interaction_metadata_json', request.interactionMetadataJson);
  if (request.authorOverrideJson.length > 0) {
    const override = JSON.parse(jsonObjectText('author_override_json', request.authorOverrideJson)) as { username?: unknown; avatar?: unknown };
    if (typeof override.username !== 'string' || override.username.length === 0 || override.username.length > 80) throw new InvalidFieldError('author_override_json', 'username must be 1 to 80 characters');
    if (override.avatar !== null && override.avatar !== undefined && typeof override.avatar !== 'string') throw new InvalidFieldError('author_override_json', 'avatar must be a string or null');
    origin.authorOverride = { username: override.username, avatar: (override.avatar as string | null | undefined) ?? null };
  }
  return Object.keys(origin).length === 0 ? null : origin;
}

function jsonObjectText(field: string, bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidFieldError(field, 'must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidFieldError(field, 'must be a JSON object');
  return text;
}

/** @throws {InvalidFieldError} */
export function validateAddress(request: { channelId: string; messageId: string }): MessageAddress {
  return { channelId: snowflakeField('channel_id', request.channelId), messageId: snowflakeField('message_id', request.messageId) };
}

/** @throws {InvalidFieldError} on a bad id or more than 100 ids. */
export function validateBatchGet(request: messagesV1.BatchGetMessagesRequest): MessageIdList {
  const channelId = snowflakeField('channel_id', request.channelId);
  if (request.messageIds.length > MAX_IDS_PER_CALL) throw new InvalidFieldError('message_ids', `at most ${MAX_IDS_PER_CALL} ids, got ${request.messageIds.length}`);
  return { channelId, messageIds: snowflakeList('message_ids', request.messageIds) };
}

/** @throws {InvalidFieldError} on a bad id or a limit outside 1..100. */
export function validateHistory(request: messagesV1.GetHistoryRequest): HistoryQuery {
  const channelId = snowflakeField('channel_id', request.channelId);
  if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > 100) {
    throw new InvalidFieldError('limit', `must be between 1 and 100, got ${request.limit}`);
  }
  const query: HistoryQuery = { channelId, limit: request.limit };
  const anchor = request.anchor;
  if (anchor?.$case === 'before') query.before = snowflakeField('before', anchor.before);
  if (anchor?.$case === 'after') query.after = snowflakeField('after', anchor.after);
  if (anchor?.$case === 'around') query.around = snowflakeField('around', anchor.around);
  return query;
}

/** @throws {InvalidFieldError | ContentTooLongError} */
export function validateEdit(request: messagesV1.EditMessageRequest): EditCommand {
  const { channelId, messageId } = validateAddress(request);
  const patch: Omit<MessagePatch, 'editedAt'> = {};
  if (request.content !== undefined) {
    patch.content = contentField(request.content);
    patch.mentionEveryone = request.mentionEveryone;
    patch.mentionUserIds = snowflakeList('mention_user_ids', request.mentionUserIds);
    patch.mentionRoleIds = snowflakeList('mention_role_ids', request.mentionRoleIds);
  }
  if (request.embedsJson !== undefined) patch.embedsJson = jsonArrayField('embeds_json', request.embedsJson);
  if (request.attachmentsJson !== undefined) patch.attachmentsJson = jsonArrayField('attachments_json', request.attachmentsJson);
  if (request.componentsJson !== undefined) patch.componentsJson = jsonArrayField('components_json', request.componentsJson);
  if (request.pollJson !== undefined) patch.pollJson = jsonObjectText('poll_json', request.pollJson);
  if (request.pinned !== undefined) patch.pinned = request.pinned;
  if (request.flags !== undefined) patch.flags = uint32Field('flags', request.flags);
  return { channelId, messageId, patch, recipientUserIds: snowflakeList('recipient_user_ids', request.recipientUserIds) };
}

/** @throws {InvalidFieldError} */
export function validateDelete(request: messagesV1.DeleteMessageRequest): DeleteCommand {
  return { ...validateAddress(request), recipientUserIds: snowflakeList('recipient_user_ids', request.recipientUserIds) };
}

/** @throws {InvalidFieldError} unless 2..100 distinct ids, none older than 14 days at `now`. */
export function validateBulkDelete(request: messagesV1.BulkDeleteMessagesRequest, now: number = Date.now()): MessageIdList {
  const channelId = snowflakeField('channel_id', request.channelId);
  const messageIds = snowflakeList('message_ids', request.messageIds);
  if (messageIds.length < 2 || messageIds.length > MAX_IDS_PER_CALL) throw new InvalidFieldError('message_ids', `needs 2 to ${MAX_IDS_PER_CALL} ids, got ${messageIds.length}`);
  if (new Set(messageIds).size !== messageIds.length) throw new InvalidFieldError('message_ids', 'must not repeat an id');
  messageIds.forEach((id, index) => {
    if (now - timestampOf(id) > BULK_DELETE_MAX_AGE_MS) throw new InvalidFieldError(`message_ids[${index}]`, 'is older than 14 days and cannot be bulk deleted');
  });
  return { channelId, messageIds };
}
