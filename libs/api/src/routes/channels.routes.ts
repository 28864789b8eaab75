/** Channels: read, edit, delete, permission overwrites. */
import { Permission } from '@chat/permissions';
import type { ChannelPatch, StoredChannel } from '@chat/store';
import { z } from 'zod';
import { loadChannelAccess, requirePermission, type ChannelAccess } from '../access';
import { toDiscordChannel } from '@chat/discord';
import { DiscordErrors } from '../errors';
import type { HttpMethod } from '../route-context';
import { dispatchOf, noContent, ok, publishToGuild, usersById, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { bitfieldSchema, parseBody, snowflakeParam } from '../validation';
import { channelFields, toOverwrites } from './guilds.routes';

const channelPatchBody = z.object({ ...channelFields, name: channelFields.name.optional() });
const overwritePutBody = z.object({
  type: z.union([z.literal(0), z.literal(1), z.literal('role'), z.literal('member')]).transform((t): 0 | 1 => (t === 0 || t === 'role' ? 0 : 1)),
  allow: bitfieldSchema.optional(),
  deny: bitfieldSchema.optional(),
});

async function channelJson(deps: ResolvedDeps, channel: StoredChannel, viewerId: string): Promise<unknown> {
  if (channel.guildId !== null) return toDiscordChannel(channel);
  const users = await usersById(deps, channel.recipientIds);
  return toDiscordChannel(channel, [...users.values()], viewerId);
}

function guildChannelAccess(access: ChannelAccess): asserts access is ChannelAccess & { guild: NonNullable<ChannelAccess['guild']> } {
  if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
}

/** The channel routes. */
export function channelRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'GET',
      '/channels/:channelId',
      {
        auth: 'required',
        bucket: 'channels.get',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          return ok(await channelJson(deps, access.channel, caller.user.id));
        },
      },
    ],
    [
      'PATCH',
      '/channels/:channelId',
      {
        auth: 'required',
        bucket: 'channels.patch',
        major: 'channelId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          guildChannelAccess(access);
          requirePermission(access.permissions, Permission.MANAGE_CHANNELS);
          const input = parseBody(channelPatchBody, body);
          const patch: ChannelPatch = {};
          if (input.name !== undefined) patch.name = input.name;
          if (input.topic !== undefined) patch.topic = input.topic;
          if (input.position !== undefined) patch.position = input.position;
          if (input.parent_id !== undefined) patch.parentId = input.parent_id === null ? null : snowflakeParam(input.parent_id, 'parent_id');
          if (input.nsfw !== undefined) patch.nsfw = input.nsfw;
          if (input.rate_limit_per_user !== undefined) patch.rateLimitPerUser = input.rate_limit_per_user;
          if (input.bitrate !== undefined) patch.bitrate = input.bitrate;
          if (input.user_limit !== undefined) patch.userLimit = input.user_limit;
          const channelId = access.channel.id;
          if (input.permission_overwrites !== undefined) {
            requirePermission(access.permissions, Permission.MANAGE_ROLES);
            const next = toOverwrites(input.permission_overwrites);
            const keep = new Set(next.map((o) => o.id));
            for (const old of access.channel.permissionOverwrites) if (!keep.has(old.id)) await deps.store.guilds.deletePermissionOverwrite(channelId, old.id);
            for (const overwrite of next) await deps.store.guilds.setPermissionOverwrite(channelId, overwrite);
          }
          const updated = Object.keys(patch).length > 0 ? await deps.store.guilds.updateChannel(channelId, patch) : await deps.store.guilds.getChannel(channelId);
          if (!updated) throw DiscordErrors.unknownChannel();
          const json = toDiscordChannel(updated);
          await publishToGuild(deps, access.guild.guild.id, dispatchOf('CHANNEL_UPDATE', json, { channelId }));
          return ok(json);
        },
      },
    ],
    [
      'DELETE',
      '/channels/:channelId',
      {
        auth: 'required',
        bucket: 'channels.delete',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          // Closing a DM hides it on Discord's clients; the channel and its history stay.
          if (!access.guild) return ok(await channelJson(deps, access.channel, caller.user.id));
          requirePermission(access.permissions, Permission.MANAGE_CHANNELS);
          await deps.store.guilds.deleteChannel(access.channel.id);
          const json = toDiscordChannel(access.channel);
          await publishToGuild(deps, access.guild.guild.id, dispatchOf('CHANNEL_DELETE', json, { channelId: access.channel.id }));
          return ok(json);
        },
      },
    ],
    [
      'PUT',
      '/channels/:channelId/permissions/:overwriteId',
      {
        auth: 'required',
        bucket: 'channels.permissions',
        major: 'channelId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          guildChannelAccess(access);
          requirePermission(access.permissions, Permission.MANAGE_ROLES);
          const targetId = snowflakeParam(params.overwriteId, 'overwrite_id');
          const input = parseBody(overwritePutBody, body);
          const allow = BigInt(input.allow ?? '0');
          const deny = BigInt(input.deny ?? '0');
          // Discord: without ADMINISTRATOR one cannot grant or deny bits one does not hold in the channel.
          if (!access.guild.isOwner && ((allow | deny) & ~access.permissions) !== 0n) throw DiscordErrors.missingPermissions();
          if (input.type === 0 && !access.guild.roles.some((role) => role.id === targetId)) throw DiscordErrors.unknownRole();
          if (input.type === 1 && !(await deps.store.guilds.getMember(access.guild.guild.id, targetId))) throw DiscordErrors.unknownMember();
          await deps.store.guilds.setPermissionOverwrite(access.channel.id, { id: targetId, type: input.type, allow: allow.toString(), deny: deny.toString() });
          const updated = await deps.store.guilds.getChannel(access.channel.id);
          if (updated) await publishToGuild(deps, access.guild.guild.id, dispatchOf('CHANNEL_UPDATE', toDiscordChannel(updated), { channelId: updated.id }));
          return noContent();
        },
      },
    ],
    [
      'DELETE',
      '/channels/:channelId/permissions/:overwriteId',
      {
        auth: 'required',
        bucket: 'channels.permissions',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          guildChannelAccess(access);
          requirePermission(access.permissions, Permission.MANAGE_ROLES);
          const targetId = snowflakeParam(params.overwriteId, 'overwrite_id');
          const removed = await deps.store.guilds.deletePermissionOverwrite(access.channel.id, targetId);
          if (!removed) throw DiscordErrors.unknownOverwrite();
          const updated = await deps.store.guilds.getChannel(access.channel.id);
          if (updated) await publishToGuild(deps, access.guild.guild.id, dispatchOf('CHANNEL_UPDATE', toDiscordChannel(updated), { channelId: updated.id }));
          return noContent();
        },
      },
    ],
  ];
}
