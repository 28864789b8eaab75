/** Events shared by the routes that bring a user into a guild (create, invite, bot authorisation). */
import type { StoredMember, StoredUser } from '@chat/store';
import { toDiscordGuildCreate, toDiscordMember } from '@chat/discord';
import { guildExpressions } from '../expressions/guild-expressions';
import { dispatchOf, publishToGuild, sendToUsers, usersById, type ResolvedDeps } from '../route-context';

/** Members put in a GUILD_CREATE sent by the REST API (Discord's default large_threshold). */
const GUILD_CREATE_MEMBERS = 50;

/**
 * Announces a new member: GUILD_MEMBER_ADD to the guild, then brings the
 * member's own sessions in: through `attachUserToGuild` when the gateway
 * offers it (the session then sends GUILD_CREATE itself), otherwise by
 * sending them GUILD_CREATE directly.
 */
export async function announceJoin(deps: ResolvedDeps, guildId: string, member: StoredMember, user: StoredUser, announceToGuild = true): Promise<void> {
  if (announceToGuild) {
    await publishToGuild(deps, guildId, dispatchOf('GUILD_MEMBER_ADD', { ...toDiscordMember(member, user), guild_id: guildId }));
  }
  await bringSessionsIn(deps, guildId, member, user.id);
}

/** Attaches the user's sessions to the guild (they send GUILD_CREATE), or sends GUILD_CREATE when the gateway cannot attach. */
export async function bringSessionsIn(deps: ResolvedDeps, guildId: string, member: StoredMember, userId: string): Promise<void> {
  if (deps.attachUserToGuild) {
    try {
      await deps.attachUserToGuild(userId, guildId);
    } catch (error) {
      deps.logger.warn({ err: error, guildId, userId }, 'attachUserToGuild failed');
    }
    return;
  }
  const payload = await guildCreatePayload(deps, guildId, member);
  if (payload) await sendToUsers(deps, [userId], dispatchOf('GUILD_CREATE', payload));
}

/** GUILD_CREATE's `d` for a member, read from the store; undefined when the guild is gone. */
export async function guildCreatePayload(deps: ResolvedDeps, guildId: string, member: StoredMember): Promise<unknown> {
  const guild = await deps.store.guilds.getGuild(guildId);
  if (!guild) return undefined;
  const [roles, channels, members, expressions] = await Promise.all([
    deps.store.guilds.listRoles(guildId),
    deps.store.guilds.listChannels(guildId),
    deps.store.guilds.listMembers(guildId, { limit: GUILD_CREATE_MEMBERS + 1 }),
    guildExpressions(deps, guildId),
  ]);
  const users = await usersById(deps, members.map((m) => m.userId));
  return toDiscordGuildCreate({
    guild,
    roles,
    channels,
    members: members.slice(0, GUILD_CREATE_MEMBERS).flatMap((m) => {
      const user = users.get(m.userId);
      return user ? [{ member: m, user }] : [];
    }),
    memberCount: members.length,
    joinedAt: member.joinedAt,
    expressions,
  });
}
