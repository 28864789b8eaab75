/**
 * Whether a member may use a command in a channel, by Discord's rules
 * (developer docs, "Application Command Permissions Object"): the command's
 * own permissions in the guild, else the application's, decide for the
 * channel and for the member (user entry first, then any allowing role, then
 * any denying role, then @everyone, whose id is the guild's); only when no
 * entry speaks for the member does `default_member_permissions` decide
 * ("0": administrators only). A channel entry must not deny, and the
 * "all channels" entry has the id guild_id - 1.
 */
import { ApplicationCommandPermissionType } from 'discord-api-types/v10';
import type { CommandPermission } from '@chat/discord';
import { hasPermission, Permission } from '@chat/permissions';

/** What the decision needs. */
export interface CommandUse {
  guildId: string;
  channelId: string;
  userId: string;
  roleIds: readonly string[];
  /** The member's permissions in the channel. */
  channelPermissions: bigint;
  defaultMemberPermissions: string | null;
  /** The command's own entries in this guild, if any. */
  commandPermissions?: readonly CommandPermission[];
  /** The application's entries (target = application id), if any. */
  applicationPermissions?: readonly CommandPermission[];
}

/** True when the member may use the command in the channel. */
export function mayUseCommand(use: CommandUse): boolean {
  const levels = [use.commandPermissions, use.applicationPermissions].filter((level): level is readonly CommandPermission[] => level !== undefined && level.length > 0);
  const allChannels = (BigInt(use.guildId) - 1n).toString();
  for (const level of levels) {
    const channel = decide(level, ApplicationCommandPermissionType.Channel, [use.channelId]) ?? decide(level, ApplicationCommandPermissionType.Channel, [allChannels]);
    if (channel === false) return false;
    if (channel === true) break;
  }
  for (const level of levels) {
    const member =
      decide(level, ApplicationCommandPermissionType.User, [use.userId]) ??
      decideRoles(level, use.roleIds) ??
      decide(level, ApplicationCommandPermissionType.Role, [use.guildId]);
    if (member !== undefined) return member;
  }
  if (use.defaultMemberPermissions === null) return true;
  const required = BigInt(use.defaultMemberPermissions);
  if (required === 0n) return hasPermission(use.channelPermissions, Permission.ADMINISTRATOR);
  return hasPermission(use.channelPermissions, Permission.ADMINISTRATOR) || hasPermission(use.channelPermissions, required);
}

function decide(entries: readonly CommandPermission[], type: ApplicationCommandPermissionType, ids: readonly string[]): boolean | undefined {
  const entry = entries.find((e) => e.type === type && ids.includes(e.id));
  return entry?.permission;
}

/** Any role entry allowing wins over role entries denying. */
function decideRoles(entries: readonly CommandPermission[], roleIds: readonly string[]): boolean | undefined {
  const mine = entries.filter((e) => e.type === ApplicationCommandPermissionType.Role && roleIds.includes(e.id));
  if (mine.some((e) => e.permission)) return true;
  return mine.length > 0 ? false : undefined;
}
