/**
 * The guild actor's data: the guild with its channels, roles, members (with
 * their users) and presences, loaded from the store, plus the permission
 * math on it. Only the guild actor's handler touches one of these.
 */
import { computeBasePermissions, computeChannelPermissions, Permission, type GuildPermissionFacts, type Overwrite } from '@chat/permissions';
import { toDiscordEmoji, toDiscordSticker, type GuildExpressions } from '@chat/discord';
import { EmojiRecords, StickerRecords, type GuildStore, type RecordStore, type StoredChannel, type StoredGuild, type StoredMember, type StoredRole, type StoredUser, type UserStore } from '@chat/store';
import { compareSnowflakes } from './ids';
import { UnknownGuildError } from './errors';
import type { PresenceRecord } from './guild-json';
import type { VoiceStateRecord } from './voice/voice-state';

/** The guild's state in memory. */
export interface GuildData {
  guild: StoredGuild;
  channels: Map<string, StoredChannel>;
  roles: Map<string, StoredRole>;
  members: Map<string, StoredMember>;
  users: Map<string, StoredUser>;
  presences: Map<string, PresenceRecord>;
  /** Voice states by user id (in memory only: a restarted guild actor starts with none). */
  voiceStates: Map<string, VoiceStateRecord>;
  /** Member ids sorted by snowflake, rebuilt lazily after member changes. */
  sortedMemberIds: string[] | undefined;
  /** Emojis and stickers as GUILD_CREATE carries them. */
  expressions: GuildExpressions;
}

/** The store ports the guild actor reads (records: the guild's emojis and stickers; without it, none). */
export interface GuildStorePorts {
  guilds: GuildStore;
  users: Pick<UserStore, 'getUsers' | 'getUser'>;
  records?: RecordStore;
}

/** A guild's emojis and stickers from the records the API writes. */
async function loadExpressions(store: GuildStorePorts, guildId: string): Promise<GuildExpressions> {
  if (!store.records) return { emojis: [], stickers: [] };
  const [emojis, stickers] = await Promise.all([new EmojiRecords(store.records).list({ guildId }), new StickerRecords(store.records).list(guildId)]);
  return { emojis: emojis.map((e) => toDiscordEmoji(e)), stickers: stickers.map((s) => toDiscordSticker(s)) };
}

const PAGE = 1000;
const USER_BATCH = 500;

/** Loads a guild with everything the actor holds. @throws {UnknownGuildError} */
export async function loadGuildData(store: GuildStorePorts, guildId: string): Promise<GuildData> {
  const guild = await store.guilds.getGuild(guildId);
  if (!guild) throw new UnknownGuildError(guildId);
  const [channels, roles, expressions] = await Promise.all([store.guilds.listChannels(guildId), store.guilds.listRoles(guildId), loadExpressions(store, guildId)]);
  const members = new Map<string, StoredMember>();
  let after: string | undefined;
  for (;;) {
    const page = await store.guilds.listMembers(guildId, after === undefined ? { limit: PAGE } : { after, limit: PAGE });
    for (const member of page) members.set(member.userId, member);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.userId;
  }
  const users = new Map<string, StoredUser>();
  const ids = [...members.keys()];
  for (let i = 0; i < ids.length; i += USER_BATCH) {
    for (const user of await store.users.getUsers(ids.slice(i, i + USER_BATCH))) users.set(user.id, user);
  }
  return {
    guild,
    channels: new Map(channels.map((c) => [c.id, c])),
    roles: new Map(roles.map((r) => [r.id, r])),
    members,
    users,
    presences: new Map(),
    voiceStates: new Map(),
    sortedMemberIds: undefined,
    expressions,
  };
}

/** Reloads guild, channels and roles (after GUILD_UPDATE, CHANNEL_*, GUILD_ROLE_*). */
export async function reloadStructure(store: GuildStorePorts, data: GuildData): Promise<void> {
  const guild = await store.guilds.getGuild(data.guild.id);
  if (!guild) return;
  const [channels, roles, expressions] = await Promise.all([store.guilds.listChannels(guild.id), store.guilds.listRoles(guild.id), loadExpressions(store, guild.id)]);
  data.guild = guild;
  data.expressions = expressions;
  data.channels = new Map(channels.map((c) => [c.id, c]));
  data.roles = new Map(roles.map((r) => [r.id, r]));
}

/** Reloads one member and its user (after GUILD_MEMBER_*); returns whether they are still a member. */
export async function reloadMember(store: GuildStorePorts, data: GuildData, userId: string): Promise<boolean> {
  const member = await store.guilds.getMember(data.guild.id, userId);
  data.sortedMemberIds = undefined;
  if (!member) {
    data.members.delete(userId);
    data.users.delete(userId);
    data.presences.delete(userId);
    return false;
  }
  data.members.set(userId, member);
  const user = await store.users.getUser(userId);
  if (user) data.users.set(userId, user);
  return true;
}

/** Member ids in snowflake order. */
export function sortedMemberIds(data: GuildData): string[] {
  data.sortedMemberIds ??= [...data.members.keys()].sort(compareSnowflakes);
  return data.sortedMemberIds;
}

function permissionFacts(data: GuildData): GuildPermissionFacts {
  const rolePermissions = new Map<string, bigint>();
  for (const role of data.roles.values()) rolePermissions.set(role.id, BigInt(role.permissions));
  return { guildId: data.guild.id, ownerId: data.guild.ownerId, rolePermissions };
}

function overwritesOf(channel: StoredChannel): Overwrite[] {
  return channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
}

/** A member's permissions in the guild or in one channel; 0n for non-members. */
export function permissionsOf(data: GuildData, userId: string, channelId?: string): bigint {
  const member = data.members.get(userId);
  if (!member) return 0n;
  const facts = permissionFacts(data);
  if (channelId === undefined) return computeBasePermissions(facts, member);
  const channel = data.channels.get(channelId);
  if (!channel) return 0n;
  return computeChannelPermissions(facts, member, overwritesOf(channel));
}

/** A member's access (role ids, channels with VIEW_CHANNEL), as the relay filters by it. */
export interface Access {
  userId: string;
  roleIds: string[];
  viewableChannelIds: string[];
}

/** Computes a member's access; a non-member sees nothing. */
export function accessOf(data: GuildData, userId: string): Access {
  const member = data.members.get(userId);
  if (!member) return { userId, roleIds: [], viewableChannelIds: [] };
  const facts = permissionFacts(data);
  const viewable: string[] = [];
  for (const channel of data.channels.values()) {
    const permissions = computeChannelPermissions(facts, member, overwritesOf(channel));
    if ((permissions & Permission.VIEW_CHANNEL) !== 0n) viewable.push(channel.id);
  }
  return { userId, roleIds: [...member.roleIds], viewableChannelIds: viewable };
}

/** Whether two accesses are the same (order of ids included, as both come from the same maps). */
export function sameAccess(a: Access, b: Access): boolean {
  return a.roleIds.join(',') === b.roleIds.join(',') && a.viewableChannelIds.join(',') === b.viewableChannelIds.join(',');
}
