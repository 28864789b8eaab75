import { ALL_PERMISSIONS, Permission } from './flags';

/** The facts permission computation needs about a guild. */
export interface GuildPermissionFacts {
  guildId: string;
  ownerId: string;
  /** Role id -> permissions; must include the @everyone role, whose id equals the guild id. */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** A member: user id and role ids (without @everyone). */
export interface MemberFacts {
  userId: string;
  roleIds: readonly string[];
}

/** A channel permission overwrite: type 0 role, 1 member. */
export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/**
 * Guild-level permissions, as Discord computes them: the owner and
 * administrators have everything; otherwise @everyone's bits OR each role's.
 */
export function computeBasePermissions(guild: GuildPermissionFacts, member: MemberFacts): bigint {
  if (member.userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.rolePermissions.get(guild.guildId) ?? 0n;
  for (const roleId of member.roleIds) permissions |= guild.rolePermissions.get(roleId) ?? 0n;
  if ((permissions & Permission.ADMINISTRATOR) === Permission.ADMINISTRATOR) return ALL_PERMISSIONS;
  return permissions;
}

/**
 * Channel permissions: base permissions, then the channel's overwrites in
 * Discord's order: @everyone's overwrite, then all of the member's role
 * overwrites together (deny then allow), then the member's own overwrite.
 * Administrators and the owner skip overwrites. A member without
 * VIEW_CHANNEL in a channel gets nothing else there.
 */
export function computeChannelPermissions(
  guild: GuildPermissionFacts,
  member: MemberFacts,
  overwrites: readonly Overwrite[],
): bigint {
  const base = computeBasePermissions(guild, member);
  if (base === ALL_PERMISSIONS) return ALL_PERMISSIONS;
  let permissions = base;
  const everyone = overwrites.find((overwrite) => overwrite.type === 0 && overwrite.id === guild.guildId);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let roleAllow = 0n;
  let roleDeny = 0n;
  const memberRoles = new Set(member.roleIds);
  for (const overwrite of overwrites) {
    if (overwrite.type === 0 && memberRoles.has(overwrite.id)) {
      roleAllow |= overwrite.allow;
      roleDeny |= overwrite.deny;
    }
  }
  permissions = (permissions & ~roleDeny) | roleAllow;
  const own = overwrites.find((overwrite) => overwrite.type === 1 && overwrite.id === member.userId);
  if (own) permissions = (permissions & ~own.deny) | own.allow;
  if ((permissions & Permission.VIEW_CHANNEL) === 0n) return 0n;
  return permissions;
}
