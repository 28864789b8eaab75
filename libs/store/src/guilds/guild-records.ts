/**
 * Shared by both guild adapters: fills a create's defaults and checks its
 * invariants, so SQLite and Scylla store exactly the same thing.
 */
import { dateOf } from '@chat/snowflake';
import { InvalidStoreArgumentError } from '../errors';
import { checkBitfield, toDbId, toDbIdOrNull, toDbIds } from '../ids';
import {
  ChannelType,
  type MemberPage,
  type NewChannel,
  type NewGuild,
  type NewInvite,
  type NewMember,
  type NewRole,
  type PermissionOverwrite,
  type StoredChannel,
  type StoredGuild,
  type StoredInvite,
  type StoredMember,
  type StoredRole,
} from './guild-store.port';

/** Largest page of List Guild Members. */
export const MAX_MEMBER_PAGE = 1000;

/** A guild create with its defaults filled in and its ids checked. */
export function completeGuild(guild: NewGuild): StoredGuild {
  toDbId(guild.id, 'id');
  toDbId(guild.ownerId, 'ownerId');
  toDbIdOrNull(guild.systemChannelId, 'systemChannelId');
  return {
    id: guild.id,
    name: guild.name,
    ownerId: guild.ownerId,
    icon: guild.icon ?? null,
    description: guild.description ?? null,
    systemChannelId: guild.systemChannelId ?? null,
    verificationLevel: guild.verificationLevel ?? 0,
    defaultMessageNotifications: guild.defaultMessageNotifications ?? 0,
    explicitContentFilter: guild.explicitContentFilter ?? 0,
    preferredLocale: guild.preferredLocale ?? 'en-US',
    features: [...(guild.features ?? [])],
    createdAt: dateOf(guild.id),
  };
}

/** Checks an overwrite and returns it in canonical form. */
export function checkOverwrite(overwrite: PermissionOverwrite): PermissionOverwrite {
  toDbId(overwrite.id, 'overwrite.id');
  if (overwrite.type !== 0 && overwrite.type !== 1) throw new InvalidStoreArgumentError('overwrite.type', overwrite.type, '0 (role) or 1 (member)');
  return { id: overwrite.id, type: overwrite.type, allow: checkBitfield(overwrite.allow, 'overwrite.allow'), deny: checkBitfield(overwrite.deny, 'overwrite.deny') };
}

/** Sorts overwrites by target id, numerically. */
export function sortOverwrites(overwrites: PermissionOverwrite[]): PermissionOverwrite[] {
  return overwrites.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}

/**
 * A channel create with defaults filled in. Guild channels need a guild and
 * no recipients; a DM has no guild and exactly two distinct recipients; a
 * group DM has no guild and at least one recipient.
 *
 * @throws {InvalidStoreArgumentError} when the shape does not fit the type.
 */
export function completeChannel(channel: NewChannel): StoredChannel {
  toDbId(channel.id, 'id');
  toDbIdOrNull(channel.guildId, 'guildId');
  toDbIdOrNull(channel.parentId, 'parentId');
  toDbIdOrNull(channel.ownerId, 'ownerId');
  const recipients = [...new Set(toDbIds(channel.recipientIds ?? [], 'recipientIds'))].sort((a, b) => (a < b ? -1 : 1)).map(String);
  const isPrivate = channel.type === ChannelType.DM || channel.type === ChannelType.GroupDM;
  if (!Number.isInteger(channel.type) || channel.type < 0) throw new InvalidStoreArgumentError('type', channel.type, 'a Discord channel type');
  if (isPrivate && channel.guildId !== null) throw new InvalidStoreArgumentError('guildId', channel.guildId, 'null for a DM or group DM');
  if (!isPrivate && channel.guildId === null) throw new InvalidStoreArgumentError('guildId', channel.guildId, 'a guild id for a guild channel');
  if (!isPrivate && recipients.length > 0) throw new InvalidStoreArgumentError('recipientIds', channel.recipientIds, 'empty for a guild channel');
  if (channel.type === ChannelType.DM && recipients.length !== 2) throw new InvalidStoreArgumentError('recipientIds', channel.recipientIds, 'two different users for a DM');
  if (channel.type === ChannelType.GroupDM && recipients.length < 1) throw new InvalidStoreArgumentError('recipientIds', channel.recipientIds, 'at least one user for a group DM');
  return {
    id: channel.id,
    type: channel.type,
    guildId: channel.guildId,
    name: channel.name ?? null,
    topic: channel.topic ?? null,
    position: channel.position ?? 0,
    parentId: channel.parentId ?? null,
    nsfw: channel.nsfw ?? false,
    rateLimitPerUser: channel.rateLimitPerUser ?? 0,
    bitrate: channel.bitrate ?? null,
    userLimit: channel.userLimit ?? null,
    lastMessageId: null,
    lastPinTimestamp: null,
    recipientIds: recipients,
    ownerId: channel.ownerId ?? null,
    permissionOverwrites: sortOverwrites((channel.permissionOverwrites ?? []).map(checkOverwrite)),
    createdAt: dateOf(channel.id),
  };
}

/** The unique key of a one-to-one DM: both user ids, smaller first. */
export function dmPair(userId: string, otherUserId: string): [bigint, bigint] {
  const a = toDbId(userId, 'userId');
  const b = toDbId(otherUserId, 'otherUserId');
  return a < b ? [a, b] : [b, a];
}

/** A role create with defaults filled in. */
export function completeRole(role: NewRole): StoredRole {
  toDbId(role.id, 'id');
  toDbId(role.guildId, 'guildId');
  return {
    id: role.id,
    guildId: role.guildId,
    name: role.name,
    color: role.color ?? 0,
    hoist: role.hoist ?? false,
    position: role.position ?? 0,
    permissions: checkBitfield(role.permissions, 'permissions'),
    managed: role.managed ?? false,
    mentionable: role.mentionable ?? false,
  };
}

/** Role ids deduplicated and sorted ascending (the stored order). */
export function normaliseRoleIds(roleIds: readonly string[]): string[] {
  return [...new Set(toDbIds(roleIds, 'roleIds'))].sort((a, b) => (a < b ? -1 : 1)).map(String);
}

/** A member add with defaults filled in. */
export function completeMember(member: NewMember): StoredMember {
  toDbId(member.guildId, 'guildId');
  toDbId(member.userId, 'userId');
  return {
    guildId: member.guildId,
    userId: member.userId,
    nick: member.nick ?? null,
    roleIds: normaliseRoleIds(member.roleIds ?? []),
    joinedAt: member.joinedAt,
    deaf: member.deaf ?? false,
    mute: member.mute ?? false,
  };
}

/** Checks a member page; returns the bigint cursor (0 when none) and the limit. */
export function checkMemberPage(page: MemberPage): { after: bigint; limit: number } {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_MEMBER_PAGE) {
    throw new InvalidStoreArgumentError('limit', page.limit, `an integer 1..${MAX_MEMBER_PAGE}`);
  }
  return { after: page.after === undefined ? 0n : toDbId(page.after, 'after'), limit: page.limit };
}

const INVITE_CODE = /^[A-Za-z0-9_-]{2,32}$/;

/** An invite create with defaults filled in and `expiresAt` computed. */
export function completeInvite(invite: NewInvite): StoredInvite {
  if (!INVITE_CODE.test(invite.code)) throw new InvalidStoreArgumentError('code', invite.code, '2..32 characters of [A-Za-z0-9_-]');
  toDbId(invite.guildId, 'guildId');
  toDbId(invite.channelId, 'channelId');
  toDbIdOrNull(invite.inviterId, 'inviterId');
  const maxAge = invite.maxAge ?? 86_400;
  const maxUses = invite.maxUses ?? 0;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new InvalidStoreArgumentError('maxAge', maxAge, 'seconds >= 0');
  if (!Number.isInteger(maxUses) || maxUses < 0) throw new InvalidStoreArgumentError('maxUses', maxUses, 'an integer >= 0');
  return {
    code: invite.code,
    guildId: invite.guildId,
    channelId: invite.channelId,
    inviterId: invite.inviterId ?? null,
    uses: 0,
    maxUses,
    maxAge,
    temporary: invite.temporary ?? false,
    createdAt: invite.createdAt,
    expiresAt: inviteExpiry(invite.createdAt, maxAge),
  };
}

/** createdAt + maxAge seconds, or null for a permanent invite. */
export function inviteExpiry(createdAt: Date, maxAge: number): Date | null {
  return maxAge === 0 ? null : new Date(createdAt.getTime() + maxAge * 1000);
}

/** Why an invite cannot be used at `now`, or null when it can. */
export function inviteUnusableReason(invite: StoredInvite, now: Date): 'expired' | 'exhausted' | null {
  if (invite.expiresAt !== null && now.getTime() >= invite.expiresAt.getTime()) return 'expired';
  if (invite.maxUses > 0 && invite.uses >= invite.maxUses) return 'exhausted';
  return null;
}

/** `current` with every key of `patch` that is not undefined applied. */
export function applyPatch<T extends object>(current: T, patch: Partial<T>): T {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}
