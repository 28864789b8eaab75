/**
 * Who may manage a guild's emojis and stickers: MANAGE_GUILD_EXPRESSIONS for
 * any, CREATE_GUILD_EXPRESSIONS to add and to edit or delete one's own.
 */
import { hasPermission, Permission } from '@chat/permissions';
import type { GuildAccess } from '../access';
import { DiscordErrors } from '../errors';

/** Whether the caller sees who uploaded what (Discord shows `user` to those who can manage). */
export const seesCreators = (access: GuildAccess) => hasPermission(access.permissions, Permission.MANAGE_GUILD_EXPRESSIONS) || hasPermission(access.permissions, Permission.CREATE_GUILD_EXPRESSIONS);

/** Creating: either bit. */
export function requireCreate(access: GuildAccess): void {
  if (!seesCreators(access)) throw DiscordErrors.missingPermissions();
}

/** Editing or deleting: MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS on one's own. */
export function requireManage(access: GuildAccess, creatorId: string): void {
  if (hasPermission(access.permissions, Permission.MANAGE_GUILD_EXPRESSIONS)) return;
  if (hasPermission(access.permissions, Permission.CREATE_GUILD_EXPRESSIONS) && creatorId === access.member.userId) return;
  throw DiscordErrors.missingPermissions();
}
