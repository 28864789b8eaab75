/** Discord's message object. */
import type { StoredMember, StoredMessage, StoredUser } from '@chat/store';
import { toDiscordMember, type DiscordMember } from './member-json';
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
  attachments: unknown[];
  embeds: unknown[];
  pinned: boolean;
  flags: number;
  components: never[];
  nonce?: string;
  message_reference?: { type: 0; message_id: string; channel_id: string; guild_id?: string };
}

/** What a message object is built from besides the message. */
export interface MessageParts {
  author: StoredUser;
  /** The author's member in a guild channel (sent in MESSAGE_CREATE and REST responses). */
  member?: StoredMember;
  /** Users in `mentionUserIds` that exist. */
  mentions: readonly StoredUser[];
}

/** A message; the nonce is included only when set (Discord echoes it on create). */
export function toDiscordMessage(message: StoredMessage, parts: MessageParts): DiscordMessage {
  const json: DiscordMessage = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: toDiscordUser(parts.author),
    content: message.content,
    timestamp: message.createdAt.toISOString(),
    edited_timestamp: message.editedAt ? message.editedAt.toISOString() : null,
    tts: message.tts,
    mention_everyone: message.mentionEveryone,
    mentions: parts.mentions.map(toDiscordUser),
    mention_roles: [...message.mentionRoleIds],
    attachments: parseArray(message.attachmentsJson),
    // Discord gives every embed a type; one a client sent without it is "rich".
    embeds: parseArray(message.embedsJson).map((embed) => (embed !== null && typeof embed === 'object' ? { type: 'rich', ...(embed as object) } : embed)),
    pinned: message.pinned,
    flags: message.flags,
    components: [],
  };
  if (message.guildId !== null) json.guild_id = message.guildId;
  if (parts.member) json.member = toDiscordMember(parts.member);
  if (message.nonce !== null && message.nonce !== '') json.nonce = message.nonce;
  if (message.reference) {
    json.message_reference = { type: 0, message_id: message.reference.messageId, channel_id: message.reference.channelId };
    if (message.reference.guildId !== null) json.message_reference.guild_id = message.reference.guildId;
  }
  return json;
}

/** The same message with content, embeds and attachments emptied (for sessions without MESSAGE_CONTENT). */
export function redactMessage(message: DiscordMessage): DiscordMessage {
  return { ...message, content: '', embeds: [], attachments: [] };
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
