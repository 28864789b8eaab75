/** Discord's message object. */
import type { StoredMember, StoredMessage, StoredUser } from '@chat/store';
import { toDiscordMember, type DiscordMember } from './member-json';
import type { DiscordReaction } from './reaction-json';
import type { DiscordPoll } from './poll-json';
import { parseStoredAttachments, toDiscordAttachment, type DiscordAttachment, type StoredAttachment } from './attachment-json';
import { toDiscordUser, type DiscordUser } from './user-json';

/** Discord's message object. */
export interface DiscordMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: DiscordUser;
  member?: DiscordMember;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: DiscordUser[];
  mention_roles: string[];
  attachments: DiscordAttachment[];
  embeds: unknown[];
  pinned: boolean;
  flags: number;
  components: unknown[];
  nonce?: string;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: unknown;
  message_reference?: { type: 0; message_id: string; channel_id: string; guild_id?: string };
  reactions?: DiscordReaction[];
  poll?: DiscordPoll;
}

/** What a message object is built from besides the message. */
export interface MessageParts {
  author: StoredUser;
  /** The author's member in a guild channel (sent in MESSAGE_CREATE and REST responses). */
  member?: StoredMember;
  /** Users in `mentionUserIds` that exist. */
  mentions: readonly StoredUser[];
  /** The message's reactions as the reader sees them (`me`); absent or empty leaves `reactions` out, as Discord does. */
  reactions?: readonly DiscordReaction[];
  /** The message's poll with results (for a message that has one). */
  poll?: DiscordPoll;
  /** Signs an attachment's URL for the reader; without it attachments are left out (nobody could fetch them). */
  attachmentUrl?: (channelId: string, attachment: StoredAttachment) => string;
}

/** A message; the nonce is included only when set (Discord echoes it on create). */
export function toDiscordMessage(message: StoredMessage, parts: MessageParts): DiscordMessage {
  const json: DiscordMessage = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: message.origin?.authorOverride ? webhookAuthor(message.authorId, message.origin.authorOverride) : toDiscordUser(parts.author),
    content: message.content,
    timestamp: message.createdAt.toISOString(),
    edited_timestamp: message.editedAt ? message.editedAt.toISOString() : null,
    tts: message.tts,
    mention_everyone: message.mentionEveryone,
    mentions: parts.mentions.map(toDiscordUser),
    mention_roles: [...message.mentionRoleIds],
    attachments: parts.attachmentUrl ? parseStoredAttachments(message.attachmentsJson).map((a) => toDiscordAttachment(a, parts.attachmentUrl!(message.channelId, a))) : [],
    // Discord gives every embed a type; one a client sent without it is "rich".
    embeds: parseArray(message.embedsJson).map((embed) => (embed !== null && typeof embed === 'object' ? { type: 'rich', ...(embed as object) } : embed)),
    pinned: message.pinned,
    flags: message.flags,
    components: parseArray(message.componentsJson),
  };
  if (message.origin?.webhookId) json.webhook_id = message.origin.webhookId;
  if (message.origin?.applicationId) json.application_id = message.origin.applicationId;
  if (message.origin?.interactionMetadataJson) json.interaction_metadata = JSON.parse(message.origin.interactionMetadataJson) as unknown;
  if (message.guildId !== null) json.guild_id = message.guildId;
  if (parts.member) json.member = toDiscordMember(parts.member);
  if (message.nonce !== null && message.nonce !== '') json.nonce = message.nonce;
  if (parts.reactions && parts.reactions.length > 0) json.reactions = [...parts.reactions];
  if (parts.poll) json.poll = parts.poll;
  if (message.reference) {
    json.message_reference = { type: 0, message_id: message.reference.messageId, channel_id: message.reference.channelId };
    if (message.reference.guildId !== null) json.message_reference.guild_id = message.reference.guildId;
  }
  return json;
}

/** A webhook's message author: the webhook's id with the name and avatar it posted under (Discord's shape). */
function webhookAuthor(webhookId: string, override: { username: string; avatar: string | null }): DiscordUser {
  return { id: webhookId, username: override.username, discriminator: '0000', global_name: null, avatar: override.avatar, bot: true, public_flags: 0, flags: 0, primary_guild: null };
}

/** The same message with content, embeds, attachments and components emptied (for sessions without MESSAGE_CONTENT). */
export function redactMessage(message: DiscordMessage): DiscordMessage {
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}

function parseArray(text: string): unknown[] {
  if (text === '') return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
