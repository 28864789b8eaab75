/** Discord's channel object, for guild channels and DMs. */
import { ChannelType, type StoredChannel, type StoredUser } from '@chat/store';
import { toDiscordUser, type DiscordUser } from './user-json';

/** Discord's permission overwrite object. */
export interface DiscordOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/** Discord's channel object (the fields this server keeps). */
export interface DiscordChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string | null;
  topic?: string | null;
  position?: number;
  parent_id?: string | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  bitrate?: number;
  user_limit?: number;
  last_message_id: string | null;
  last_pin_timestamp?: string | null;
  permission_overwrites?: DiscordOverwrite[];
  recipients?: DiscordUser[];
  owner_id?: string;
  flags: number;
}

/**
 * A channel. Guild channels carry guild fields and overwrites; DMs carry
 * `recipients`: the given users other than `viewerId` (Discord leaves the
 * viewer out).
 */
export function toDiscordChannel(channel: StoredChannel, recipients: readonly StoredUser[] = [], viewerId?: string): DiscordChannel {
  if (channel.guildId === null) {
    const json: DiscordChannel = {
      id: channel.id,
      type: channel.type,
      last_message_id: channel.lastMessageId,
      recipients: recipients.filter((user) => user.id !== viewerId).map(toDiscordUser),
      flags: 0,
    };
    if (channel.type === ChannelType.GroupDM) {
      json.name = channel.name;
      if (channel.ownerId !== null) json.owner_id = channel.ownerId;
    }
    return json;
  }
  const json: DiscordChannel = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    nsfw: channel.nsfw,
    last_message_id: channel.lastMessageId,
    permission_overwrites: channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })),
    flags: 0,
  };
  if (channel.type !== ChannelType.GuildCategory) {
    json.topic = channel.topic;
    json.rate_limit_per_user = channel.rateLimitPerUser;
    json.last_pin_timestamp = channel.lastPinTimestamp ? channel.lastPinTimestamp.toISOString() : null;
  }
  if (channel.type === ChannelType.GuildVoice) {
    json.bitrate = channel.bitrate ?? 64_000;
    json.user_limit = channel.userLimit ?? 0;
  }
  return json;
}
