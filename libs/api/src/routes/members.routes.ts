/** Members and roles: list, get, add, edit, kick; create and edit roles; assign and remove them. */
import { Permission, parsePermissions } from '@chat/permissions';
import { MAX_MEMBER_PAGE, type MemberPatch, type RolePatch, type StoredMember, type StoredRole } from '@chat/store';
import { z } from 'zod';
import { loadGuildAccess, requireAboveMember, requireAboveRole, requirePermission, type GuildAccess } from '../access';
import { toDiscordMember, toDiscordRole, toDiscordUser } from '@chat/discord';
import { DiscordErrors, invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import { created, dispatchOf, noContent, ok, publishToGuild, sendToUsers, usersById, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { bitfieldSchema, intQuery, parseBody, snowflakeParam } from '../validation';
import { announceJoin } from './guild-events';

const roleBody = z.object({
  name: z.string().min(1).max(100).optional(),
  permissions: bitfieldSchema.optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  hoist: z.boolean().optional(),
  mentionable: z.boolean().optional(),
  position: z.number().int().min(1).optional(),
});

const memberAddBody = z.object({ nick: z.string().min(1).max(32).optional(), roles: z.array(z.string().regex(/^\d{1,20}$/)).max(250).optional(), access_token: z.string().optional() });
const memberPatchBody = z.object({
  nick: z.string().max(32).nullable().optional(),
  roles: z.array(z.string().regex(/^\d{1,20}$/)).max(250).optional(),
  mute: z.boolean().optional(),
  deaf: z.boolean().optional(),
  channel_id: z.string().regex(/^\d{1,20}$/).nullable().optional(),
});

/** PATCH member's voice fields (mute, deaf, channel_id: null disconnects) through the guild service, which checks MUTE/DEAFEN/MOVE_MEMBERS. */
async function moderateVoice(deps: ResolvedDeps, guildId: string, userId: string, actorUserId: string, input: { mute?: boolean | undefined; deaf?: boolean | undefined; channel_id?: string | null | undefined }): Promise<void> {
  if (!deps.voice) throw DiscordErrors.targetNotInVoice();
  try {
    await deps.voice.moderate({
      guildId,
      userId,
      actorUserId,
      disconnect: input.channel_id === null,
      ...(input.mute === undefined ? {} : { mute: input.mute }),
      ...(input.deaf === undefined ? {} : { deaf: input.deaf }),
      ...(typeof input.channel_id === 'string' ? { channelId: input.channel_id } : {}),
    });
  } catch (error) {
    if ((error as { kind?: unknown }).kind === 'conflict') throw DiscordErrors.targetNotInVoice();
    throw error;
  }
}

function roleOf(access: GuildAccess, roleId: string | undefined): StoredRole {
  const role = access.roles.find((r) => r.id === snowflakeParam(roleId, 'role_id'));
  if (!role) throw DiscordErrors.unknownRole();
  return role;
}

function checkPermissionBits(access: GuildAccess, text: string): bigint {
  let bits: bigint;
  try {
    bits = parsePermissions(text);
  } catch {
    throw invalidFormBody({ permissions: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid permissions.' }] } });
  }
  if (!access.isOwner && (bits & ~access.permissions) !== 0n) throw DiscordErrors.missingPermissions();
  return bits;
}

async function targetMember(deps: ResolvedDeps, access: GuildAccess, userId: string | undefined): Promise<StoredMember> {
  const member = await deps.store.guilds.getMember(access.guild.id, snowflakeParam(userId, 'user_id'));
  if (!member) throw DiscordErrors.unknownMember();
  return member;
}

async function memberUpdated(deps: ResolvedDeps, guildId: string, member: StoredMember): Promise<unknown> {
  const user = await deps.store.users.getUser(member.userId);
  const json = { ...toDiscordMember(member, user), guild_id: guildId };
  await publishToGuild(deps, guildId, dispatchOf('GUILD_MEMBER_UPDATE', json));
  return json;
}

/** The member and role routes. */
export function memberRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'GET',
      '/guilds/:guildId/members',
      {
        auth: 'required',
        bucket: 'guilds.members',
        major: 'guildId',
        handler: async ({ deps, caller, params, query }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          const limit = intQuery(query, 'limit', 1, MAX_MEMBER_PAGE, 1);
          const after = query.get('after');
          const members = await deps.store.guilds.listMembers(access.guild.id, after !== null && after !== '0' ? { limit, after: snowflakeParam(after, 'after') } : { limit });
          const users = await usersById(deps, members.map((m) => m.userId));
          return ok(members.map((member) => toDiscordMember(member, users.get(member.userId))));
        },
      },
    ],
    [
      'GET',
      '/guilds/:guildId/members/:userId',
      {
        auth: 'required',
        bucket: 'guilds.members.get',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          const member = await targetMember(deps, access, params.userId);
          return ok(toDiscordMember(member, await deps.store.users.getUser(member.userId)));
        },
      },
    ],
    [
      'PUT',
      '/guilds/:guildId/members/:userId',
      {
        auth: 'required',
        bucket: 'guilds.members.add',
        major: 'guildId',
        // Discord adds a user here with their OAuth2 access token; this server has no OAuth2 grants, so it requires MANAGE_GUILD instead.
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_GUILD);
          const input = parseBody(memberAddBody, body);
          const user = await deps.store.users.getUser(snowflakeParam(params.userId, 'user_id'));
          if (!user) throw DiscordErrors.unknownUser();
          if (await deps.store.guilds.getMember(access.guild.id, user.id)) return noContent();
          const roleIds = input.roles ?? [];
          if (roleIds.length > 0) {
            requirePermission(access.permissions, Permission.MANAGE_ROLES);
            for (const roleId of roleIds) requireAboveRole(access, roleOf(access, roleId));
          }
          const member = await deps.store.guilds.addMember({ guildId: access.guild.id, userId: user.id, joinedAt: new Date(deps.clock()), roleIds, nick: input.nick ?? null });
          await announceJoin(deps, access.guild.id, member, user);
          return created(toDiscordMember(member, user));
        },
      },
    ],
    [
      'PATCH',
      '/guilds/:guildId/members/:userId',
      {
        auth: 'required',
        bucket: 'guilds.members.patch',
        major: 'guildId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          const targetId = params.userId === '@me' ? caller.user.id : (params.userId ?? '');
          const target = await targetMember(deps, access, targetId);
          const input = parseBody(memberPatchBody, body);
          const patch: MemberPatch = {};
          if (input.nick !== undefined) {
            if (target.userId === caller.user.id) requirePermission(access.permissions, Permission.CHANGE_NICKNAME);
            else {
              requirePermission(access.permissions, Permission.MANAGE_NICKNAMES);
              requireAboveMember(access, target);
            }
            patch.nick = input.nick === '' ? null : input.nick;
          }
          if (input.roles !== undefined) {
            requirePermission(access.permissions, Permission.MANAGE_ROLES);
            const before = new Set(target.roleIds);
            const after = new Set(input.roles);
            for (const id of new Set([...before, ...after])) if (before.has(id) !== after.has(id)) requireAboveRole(access, roleOf(access, id));
            patch.roleIds = [...after];
          }
          if (input.mute !== undefined || input.deaf !== undefined || input.channel_id !== undefined) {
            await moderateVoice(deps, access.guild.id, target.userId, caller.user.id, input);
            // Server mute and deafen stay on the member (Discord keeps them across channels and sessions).
            if (input.mute !== undefined) patch.mute = input.mute;
            if (input.deaf !== undefined) patch.deaf = input.deaf;
          }
          const updated = await deps.store.guilds.updateMember(access.guild.id, target.userId, patch);
          return ok(await memberUpdated(deps, access.guild.id, updated));
        },
      },
    ],
    [
      'DELETE',
      '/guilds/:guildId/members/:userId',
      {
        auth: 'required',
        bucket: 'guilds.members.kick',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.KICK_MEMBERS);
          const target = await targetMember(deps, access, params.userId);
          requireAboveMember(access, target);
          await deps.store.guilds.removeMember(access.guild.id, target.userId);
          const user = await deps.store.users.getUser(target.userId);
          if (user) await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_MEMBER_REMOVE', { guild_id: access.guild.id, user: toDiscordUser(user) }));
          await sendToUsers(deps, [target.userId], dispatchOf('GUILD_DELETE', { id: access.guild.id }));
          return noContent();
        },
      },
    ],
    [
      'GET',
      '/guilds/:guildId/roles',
      {
        auth: 'required',
        bucket: 'guilds.roles',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          return ok(access.roles.map((role) => toDiscordRole(role)));
        },
      },
    ],
    [
      'POST',
      '/guilds/:guildId/roles',
      {
        auth: 'required',
        bucket: 'guilds.roles.create',
        major: 'guildId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_ROLES);
          const input = parseBody(roleBody, body);
          const permissions = input.permissions === undefined ? access.roles.find((r) => r.id === access.guild.id)?.permissions ?? '0' : checkPermissionBits(access, input.permissions).toString();
          const role = await deps.store.guilds.createRole({
            id: deps.nextId(),
            guildId: access.guild.id,
            name: input.name ?? 'new role',
            permissions,
            color: input.color ?? 0,
            hoist: input.hoist ?? false,
            mentionable: input.mentionable ?? false,
            position: 1,
          });
          const json = toDiscordRole(role);
          await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_ROLE_CREATE', { guild_id: access.guild.id, role: json }));
          return ok(json);
        },
      },
    ],
    [
      'PATCH',
      '/guilds/:guildId/roles/:roleId',
      {
        auth: 'required',
        bucket: 'guilds.roles.patch',
        major: 'guildId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_ROLES);
          const role = roleOf(access, params.roleId);
          requireAboveRole(access, role);
          const input = parseBody(roleBody, body);
          const patch: RolePatch = {};
          if (input.name !== undefined) patch.name = input.name;
          if (input.color !== undefined) patch.color = input.color;
          if (input.hoist !== undefined) patch.hoist = input.hoist;
          if (input.mentionable !== undefined) patch.mentionable = input.mentionable;
          if (input.permissions !== undefined) patch.permissions = checkPermissionBits(access, input.permissions).toString();
          if (input.position !== undefined && role.id !== access.guild.id) {
            if (!access.isOwner && input.position >= access.highestPosition) throw DiscordErrors.missingPermissions();
            patch.position = input.position;
          }
          const updated = await deps.store.guilds.updateRole(access.guild.id, role.id, patch);
          const json = toDiscordRole(updated);
          await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_ROLE_UPDATE', { guild_id: access.guild.id, role: json }));
          return ok(json);
        },
      },
    ],
    [
      'DELETE',
      '/guilds/:guildId/roles/:roleId',
      {
        auth: 'required',
        bucket: 'guilds.roles.delete',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_ROLES);
          const role = roleOf(access, params.roleId);
          if (role.id === access.guild.id || role.managed) throw invalidFormBody({ role_id: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'This role cannot be deleted.' }] } });
          requireAboveRole(access, role);
          await deps.store.guilds.deleteRole(access.guild.id, role.id);
          await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_ROLE_DELETE', { guild_id: access.guild.id, role_id: role.id }));
          return noContent();
        },
      },
    ],
    ...(['PUT', 'DELETE'] as const).map(
      (method): [HttpMethod, string, RouteDefinition] => [
        method,
        '/guilds/:guildId/members/:userId/roles/:roleId',
        {
          auth: 'required',
          bucket: 'guilds.members.roles',
          major: 'guildId',
          handler: async ({ deps, caller, params }) => {
            const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
            requirePermission(access.permissions, Permission.MANAGE_ROLES);
            const role = roleOf(access, params.roleId);
            if (role.id === access.guild.id || role.managed) throw DiscordErrors.missingPermissions();
            requireAboveRole(access, role);
            const target = await targetMember(deps, access, params.userId);
            const has = target.roleIds.includes(role.id);
            if ((method === 'PUT') === has) return noContent();
            const roleIds = method === 'PUT' ? [...target.roleIds, role.id] : target.roleIds.filter((id) => id !== role.id);
            const updated = await deps.store.guilds.updateMember(access.guild.id, target.userId, { roleIds });
            await memberUpdated(deps, access.guild.id, updated);
            return noContent();
          },
        },
      ],
    ),
  ];
}
