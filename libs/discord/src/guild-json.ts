/** Discord's guild objects: the full guild, the partial guild of /users/@me/guilds, and the GUILD_CREATE payload. */
import type { StoredChannel, StoredGuild, StoredMember, StoredRole, StoredUser } from '@chat/store';
import { toDiscordChannel, type DiscordChannel } from './channel-json';
import type { DiscordEmoji, DiscordSticker } from './expression-json';
import { toDiscordMember, type DiscordMember } from './member-json';
import { toDiscordRole, type DiscordRole } from './role-json';

/** Discord's guild object (the fields this server keeps; the rest at Discord's defaults). */
export interface DiscordGuild {
  id: string;
  name: string;
  icon: string | null;
  splash: null;
  discovery_splash: null;
  owner_id: string;
  afk_channel_id: null;
  afk_timeout: number;
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
  roles: DiscordRole[];
  emojis: DiscordEmoji[];
  features: string[];
  mfa_level: number;
  application_id: null;
  system_channel_id: string | null;
  system_channel_flags: number;
  rules_channel_id: null;
  max_members: number;
  vanity_url_code: null;
  description: string | null;
  banner: null;
  premium_tier: number;
  premium_subscription_count: number;
  preferred_locale: string;
  public_updates_channel_id: null;
  nsfw_level: number;
  stickers: DiscordSticker[];
  premium_progress_bar_enabled: boolean;
  safety_alerts_channel_id: null;
  home_header: null;
  region: string;
  widget_enabled: boolean;
  widget_channel_id: null;
  max_presences: null;
  max_stage_video_channel_users: number;
  max_video_channel_users: number;
  nsfw: boolean;
  incidents_data: null;
}

/** A guild's emojis and stickers, as Discord JSON. */
export interface GuildExpressions {
  emojis: readonly DiscordEmoji[];
  stickers: readonly DiscordSticker[];
}

/** A guild with its roles (and its emojis and stickers, where the caller has them). */
export function toDiscordGuild(guild: StoredGuild, roles: readonly StoredRole[], expressions: GuildExpressions = { emojis: [], stickers: [] }): DiscordGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: guild.verificationLevel,
    default_message_notifications: guild.defaultMessageNotifications,
    explicit_content_filter: guild.explicitContentFilter,
    roles: roles.map((role) => toDiscordRole(role)),
    emojis: [...expressions.emojis],
    features: [...guild.features],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: guild.description,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    public_updates_channel_id: null,
    nsfw_level: 0,
    stickers: [...expressions.stickers],
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    // Discord features this server does not have, answered as Discord answers a guild without them.
    home_header: null,
    region: 'deprecated',
    widget_enabled: false,
    widget_channel_id: null,
    max_presences: null,
    max_stage_video_channel_users: 0,
    max_video_channel_users: 25,
    nsfw: false,
    incidents_data: null,
  };
}

/** The partial guild of GET /users/@me/guilds. */
export interface DiscordPartialGuild {
  id: string;
  name: string;
  icon: string | null;
  banner: null;
  owner: boolean;
  permissions: string;
  features: string[];
}

/** A guild as listed for a user, with that user's guild-level permissions. */
export function toDiscordPartialGuild(guild: StoredGuild, userId: string, permissions: bigint): DiscordPartialGuild {
  return { id: guild.id, name: guild.name, icon: guild.icon, banner: null, owner: guild.ownerId === userId, permissions: permissions.toString(), features: [...guild.features] };
}

/** The GUILD_CREATE dispatch's `d`: the guild plus channels, members and the gateway-only fields. */
export interface DiscordGuildCreate extends DiscordGuild {
  joined_at: string;
  large: boolean;
  unavailable: false;
  member_count: number;
  voice_states: never[];
  members: DiscordMember[];
  channels: DiscordChannel[];
  threads: never[];
  presences: unknown[];
  stage_instances: never[];
  guild_scheduled_events: never[];
  soundboard_sounds: never[];
}

/** What a GUILD_CREATE payload is built from. */
export interface GuildCreateParts {
  guild: StoredGuild;
  roles: readonly StoredRole[];
  channels: readonly StoredChannel[];
  /** Members to include (up to large_threshold), each with its user. */
  members: readonly { member: StoredMember; user: StoredUser }[];
  /** Total member count of the guild. */
  memberCount: number;
  /** When the receiving user joined. */
  joinedAt: Date;
  /** large_threshold of the session (default 50). */
  largeThreshold?: number;
  /** Presence objects, already in Discord's shape. */
  presences?: unknown[];
  /** The guild's emojis and stickers. */
  expressions?: GuildExpressions;
}

/** Builds GUILD_CREATE's `d` (also used by the gateway for READY follow-ups). */
export function toDiscordGuildCreate(parts: GuildCreateParts): DiscordGuildCreate {
  return {
    ...toDiscordGuild(parts.guild, parts.roles, parts.expressions),
    joined_at: parts.joinedAt.toISOString(),
    large: parts.memberCount > (parts.largeThreshold ?? 50),
    unavailable: false,
    member_count: parts.memberCount,
    voice_states: [],
    members: parts.members.map(({ member, user }) => toDiscordMember(member, user)),
    channels: parts.channels.map((channel) => toDiscordChannel(channel)),
    threads: [],
    presences: parts.presences ?? [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
