/**
 * Who may do what: loads the guild facts (roles, the caller's member) and
 * computes Discord's permissions with @chat/permissions. Not a member, or a
 * channel the caller cannot view, is 403 50001 Missing Access; a missing bit
 * is 403 50013 Missing Permissions.
 */
import { computeBasePermissions, computeChannelPermissions, hasPermission, Permission, type GuildPermissionFacts } from '@chat/permissions';
import { ChannelType, type GuildStore, type StoredChannel, type StoredGuild, type StoredMember, type StoredRole } from '@chat/store';
import { DiscordErrors } from './errors';
import { snowflakeParam } from './validation';

/** The caller's standing in a guild. */
export interface GuildAccess {
  guild: StoredGuild;
  roles: StoredRole[];
  member: StoredMember;
  facts: GuildPermissionFacts;
  /** Guild-level permissions. */
  permissions: bigint;
  isOwner: boolean;
  /** Position of the caller's highest role (0 for @everyone only); the owner is above every role. */
  highestPosition: number;
}

/** The caller's standing in a channel. */
export interface ChannelAccess {
  channel: StoredChannel;
  /** Set for guild channels. */
  guild?: GuildAccess;
  /** Channel permissions (DMs: what any recipient may do). */
  permissions: bigint;
}

/** What a DM recipient may do. */
const DM_PERMISSIONS =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.READ_MESSAGE_HISTORY |
  Permission.EMBED_LINKS |
  Permission.ATTACH_FILES |
  Permission.ADD_REACTIONS |
  Permission.MENTION_EVERYONE |
  Permission.USE_APPLICATION_COMMANDS;

/** Text-capable channel types (messages may be sent there). */
export const TEXT_CHANNEL_TYPES: ReadonlySet<number> = new Set([ChannelType.GuildText, ChannelType.DM, ChannelType.GroupDM, ChannelType.GuildAnnouncement, ChannelType.GuildVoice]);

/** Loads a guild the caller is a member of. Unknown guild -> 10004; not a member -> 50001. */
export async function loadGuildAccess(store: GuildStore, guildId: string, userId: string): Promise<GuildAccess> {
  snowflakeParam(guildId, 'guild_id');
  const guild = await store.getGuild(guildId);
  if (!guild) throw DiscordErrors.unknownGuild();
  const [roles, member] = await Promise.all([store.listRoles(guildId), store.getMember(guildId, userId)]);
  if (!member) throw DiscordErrors.missingAccess();
  return guildAccessOf(guild, roles, member);
}

/** Computes access from already loaded facts. */
export function guildAccessOf(guild: StoredGuild, roles: StoredRole[], member: StoredMember): GuildAccess {
  const facts: GuildPermissionFacts = { guildId: guild.id, ownerId: guild.ownerId, rolePermissions: new Map(roles.map((role) => [role.id, BigInt(role.permissions)])) };
  const isOwner = guild.ownerId === member.userId;
  const memberRoles = new Set(member.roleIds);
  const highestPosition = isOwner ? Number.POSITIVE_INFINITY : roles.filter((role) => memberRoles.has(role.id)).reduce((max, role) => Math.max(max, role.position), 0);
  return { guild, roles, member, facts, permissions: computeBasePermissions(facts, member), isOwner, highestPosition };
}

/** Loads a channel the caller can view. Unknown -> 10003; not a recipient / member / no VIEW_CHANNEL -> 50001. */
export async function loadChannelAccess(store: GuildStore, channelId: string, userId: string): Promise<ChannelAccess> {
  snowflakeParam(channelId, 'channel_id');
  const channel = await store.getChannel(channelId);
  if (!channel) throw DiscordErrors.unknownChannel();
  if (channel.guildId === null) {
    if (!channel.recipientIds.includes(userId)) throw DiscordErrors.missingAccess();
    return { channel, permissions: DM_PERMISSIONS };
  }
  const guild = await loadGuildAccess(store, channel.guildId, userId);
  const permissions = channelPermissionsOf(guild, channel);
  if (!hasPermission(permissions, Permission.VIEW_CHANNEL)) throw DiscordErrors.missingAccess();
  return { channel, guild, permissions };
}

/** Loads a text-capable channel the caller can view; other channel types -> 50008. */
export async function loadTextChannel(store: GuildStore, channelId: string | undefined, userId: string): Promise<ChannelAccess> {
  const access = await loadChannelAccess(store, channelId ?? '', userId);
  if (!TEXT_CHANNEL_TYPES.has(access.channel.type)) throw DiscordErrors.nonTextChannel();
  return access;
}

/** The caller's permissions in one of the guild's channels. */
export function channelPermissionsOf(access: GuildAccess, channel: StoredChannel): bigint {
  const overwrites = channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
  return computeChannelPermissions(access.facts, access.member, overwrites);
}

/** Throws 50013 unless every bit of `required` is granted. */
export function requirePermission(granted: bigint, required: bigint): void {
  if (!hasPermission(granted, required)) throw DiscordErrors.missingPermissions();
}

/** Throws 50013 unless the caller's highest role is above `role` (the owner is above all). */
export function requireAboveRole(access: GuildAccess, role: StoredRole): void {
  if (!access.isOwner && !(access.highestPosition > role.position)) throw DiscordErrors.missingPermissions();
}

/** Throws 50013 unless the caller outranks `target` (the owner cannot be acted on by others). */
export function requireAboveMember(access: GuildAccess, target: StoredMember): void {
  if (access.isOwner) return;
  if (target.userId === access.guild.ownerId) throw DiscordErrors.missingPermissions();
  const targetRoles = new Set(target.roleIds);
  const targetHighest = access.roles.filter((role) => targetRoles.has(role.id)).reduce((max, role) => Math.max(max, role.position), 0);
  if (!(access.highestPosition > targetHighest)) throw DiscordErrors.missingPermissions();
}
