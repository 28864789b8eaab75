/**
 * Discord v10 object shapes built straight from @chat/store records, for the
 * gateway's READY and for the store-backed relay used until the guild service
 * serves GUILD_CREATE. Only the fields discord.js and Discord clients read.
 */
import type { StoredChannel, StoredGuild, StoredMember, StoredRole, StoredUser } from '@chat/store';

/** Discord user object. */
export function userJson(user: StoredUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    global_name: user.globalName,
    avatar: user.avatar,
    bot: user.bot,
    flags: user.flags,
    public_flags: user.flags,
  };
}

/** Discord channel object (guild or DM). */
export function channelJson(channel: StoredChannel): Record<string, unknown> {
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId ?? undefined,
    name: channel.name,
    topic: channel.topic,
    position: channel.position,
    parent_id: channel.parentId,
    nsfw: channel.nsfw,
    rate_limit_per_user: channel.rateLimitPerUser,
    last_message_id: channel.lastMessageId,
    permission_overwrites: channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })),
    ...(channel.bitrate === null ? {} : { bitrate: channel.bitrate }),
    ...(channel.userLimit === null ? {} : { user_limit: channel.userLimit }),
  };
}

/** Discord role object. */
export function roleJson(role: StoredRole): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    hoist: role.hoist,
    position: role.position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: role.mentionable,
    icon: null,
    unicode_emoji: null,
    flags: 0,
  };
}

/** Discord guild member object (with its user when known). */
export function memberJson(member: StoredMember, user: StoredUser | undefined): Record<string, unknown> {
  return {
    ...(user ? { user: userJson(user) } : {}),
    nick: member.nick,
    avatar: null,
    roles: member.roleIds,
    joined_at: member.joinedAt.toISOString(),
    premium_since: null,
    deaf: member.deaf,
    mute: member.mute,
    flags: 0,
    pending: false,
  };
}

/** Discord guild object fields shared by GUILD_CREATE and REST. */
export function guildJson(guild: StoredGuild, roles: readonly StoredRole[]): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    description: guild.description,
    splash: null,
    discovery_splash: null,
    banner: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    verification_level: guild.verificationLevel,
    default_message_notifications: guild.defaultMessageNotifications,
    explicit_content_filter: guild.explicitContentFilter,
    preferred_locale: guild.preferredLocale,
    features: guild.features,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_progress_bar_enabled: false,
    roles: roles.map(roleJson),
    emojis: [],
    stickers: [],
  };
}
