/** Guilds and their channels: create, read, edit, delete. */
import { guildExpressions } from '../expressions/guild-expressions';
import { DEFAULT_EVERYONE_PERMISSIONS, Permission, hasPermission } from '@chat/permissions';
import { ChannelType, type GuildPatch, type PermissionOverwrite } from '@chat/store';
import { z } from 'zod';
import { channelPermissionsOf, loadGuildAccess, requirePermission } from '../access';
import { toDiscordChannel, toDiscordGuild } from '@chat/discord';
import { DiscordErrors, invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import { created, dispatchOf, noContent, ok, publishToGuild, type RouteDefinition } from '../route-context';
import { bitfieldSchema, parseBody, snowflakeParam } from '../validation';
import { bringSessionsIn } from './guild-events';

const guildBody = z.object({ name: z.string().min(2).max(100), icon: z.string().max(256).nullable().optional(), description: z.string().max(120).nullable().optional() });

const guildPatchBody = z.object({
  name: z.string().min(2).max(100).optional(),
  icon: z.string().max(256).nullable().optional(),
  description: z.string().max(120).nullable().optional(),
  system_channel_id: z.string().regex(/^\d{1,20}$/).nullable().optional(),
  verification_level: z.number().int().min(0).max(4).optional(),
  default_message_notifications: z.number().int().min(0).max(1).optional(),
  explicit_content_filter: z.number().int().min(0).max(2).optional(),
  preferred_locale: z.string().min(2).max(10).optional(),
  owner_id: z.string().regex(/^\d{1,20}$/).optional(),
});

/** Permission overwrite as sent by clients. */
export const overwriteBody = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  type: z.union([z.literal(0), z.literal(1), z.literal('role'), z.literal('member')]).transform((t): 0 | 1 => (t === 0 || t === 'role' ? 0 : 1)),
  allow: bitfieldSchema.optional(),
  deny: bitfieldSchema.optional(),
});

/** Channel fields shared by create and edit. */
export const channelFields = {
  name: z.string().min(1).max(100),
  topic: z.string().max(1024).nullable().optional(),
  position: z.number().int().min(0).optional(),
  parent_id: z.string().regex(/^\d{1,20}$/).nullable().optional(),
  nsfw: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).optional(),
  bitrate: z.number().int().min(8000).max(384_000).optional(),
  user_limit: z.number().int().min(0).max(99).optional(),
  permission_overwrites: z.array(overwriteBody).max(100).optional(),
};

const channelCreateBody = z.object({
  ...channelFields,
  type: z.union([z.literal(ChannelType.GuildText), z.literal(ChannelType.GuildVoice), z.literal(ChannelType.GuildCategory), z.literal(ChannelType.GuildAnnouncement)]).optional(),
});

/** Converts overwrites from the body to the store's shape. */
export function toOverwrites(list: z.output<typeof overwriteBody>[]): PermissionOverwrite[] {
  return list.map((o) => ({ id: o.id, type: o.type, allow: o.allow ?? '0', deny: o.deny ?? '0' }));
}

/** The guild routes. */
export function guildRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'POST',
      '/guilds',
      {
        auth: 'required',
        bucket: 'guilds.create',
        handler: async ({ deps, caller, body }) => {
          const input = parseBody(guildBody, body);
          const guildId = deps.nextId();
          const channelId = deps.nextId();
          await deps.store.guilds.createGuild({ id: guildId, name: input.name, ownerId: caller.user.id, icon: input.icon ?? null, description: input.description ?? null });
          const everyone = await deps.store.guilds.createRole({ id: guildId, guildId, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(), position: 0 });
          await deps.store.guilds.createChannel({ id: channelId, type: ChannelType.GuildText, guildId, name: 'general', position: 0 });
          const withChannel = await deps.store.guilds.updateGuild(guildId, { systemChannelId: channelId });
          const member = await deps.store.guilds.addMember({ guildId, userId: caller.user.id, joinedAt: new Date(deps.clock()) });
          await bringSessionsIn(deps, guildId, member, caller.user.id);
          return created(toDiscordGuild(withChannel, [everyone]));
        },
      },
    ],
    [
      'GET',
      '/guilds/:guildId',
      {
        auth: 'required',
        bucket: 'guilds.get',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          return ok(toDiscordGuild(access.guild, access.roles, await guildExpressions(deps, access.guild.id)));
        },
      },
    ],
    [
      'PATCH',
      '/guilds/:guildId',
      {
        auth: 'required',
        bucket: 'guilds.patch',
        major: 'guildId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_GUILD);
          const input = parseBody(guildPatchBody, body);
          const patch: GuildPatch = {};
          if (input.name !== undefined) patch.name = input.name;
          if (input.icon !== undefined) patch.icon = input.icon;
          if (input.description !== undefined) patch.description = input.description;
          if (input.verification_level !== undefined) patch.verificationLevel = input.verification_level;
          if (input.default_message_notifications !== undefined) patch.defaultMessageNotifications = input.default_message_notifications;
          if (input.explicit_content_filter !== undefined) patch.explicitContentFilter = input.explicit_content_filter;
          if (input.preferred_locale !== undefined) patch.preferredLocale = input.preferred_locale;
          if (input.system_channel_id !== undefined) {
            if (input.system_channel_id !== null) {
              const channel = await deps.store.guilds.getChannel(input.system_channel_id);
              if (!channel || channel.guildId !== access.guild.id) throw invalidFormBody({ system_channel_id: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Unknown channel.' }] } });
            }
            patch.systemChannelId = input.system_channel_id;
          }
          if (input.owner_id !== undefined && input.owner_id !== access.guild.ownerId) {
            if (!access.isOwner) throw DiscordErrors.missingPermissions();
            if (!(await deps.store.guilds.getMember(access.guild.id, input.owner_id))) throw DiscordErrors.unknownMember();
            patch.ownerId = input.owner_id;
          }
          const updated = await deps.store.guilds.updateGuild(access.guild.id, patch);
          const json = toDiscordGuild(updated, access.roles, await guildExpressions(deps, updated.id));
          await publishToGuild(deps, updated.id, dispatchOf('GUILD_UPDATE', json));
          return ok(json);
        },
      },
    ],
    [
      'DELETE',
      '/guilds/:guildId',
      {
        auth: 'required',
        bucket: 'guilds.delete',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          if (!access.isOwner) throw DiscordErrors.missingPermissions();
          await deps.store.guilds.deleteGuild(access.guild.id);
          await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_DELETE', { id: access.guild.id }));
          return noContent();
        },
      },
    ],
    [
      'GET',
      '/guilds/:guildId/channels',
      {
        auth: 'required',
        bucket: 'guilds.channels',
        major: 'guildId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          const channels = await deps.store.guilds.listChannels(access.guild.id);
          return ok(channels.filter((channel) => hasPermission(channelPermissionsOf(access, channel), Permission.VIEW_CHANNEL)).map((channel) => toDiscordChannel(channel)));
        },
      },
    ],
    [
      'POST',
      '/guilds/:guildId/channels',
      {
        auth: 'required',
        bucket: 'guilds.channels.create',
        major: 'guildId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_CHANNELS);
          const input = parseBody(channelCreateBody, body);
          if (input.permission_overwrites && input.permission_overwrites.length > 0) requirePermission(access.permissions, Permission.MANAGE_ROLES);
          if (input.parent_id) {
            const parent = await deps.store.guilds.getChannel(snowflakeParam(input.parent_id, 'parent_id'));
            if (!parent || parent.guildId !== access.guild.id || parent.type !== ChannelType.GuildCategory) {
              throw invalidFormBody({ parent_id: { _errors: [{ code: 'CHANNEL_PARENT_INVALID_TYPE', message: 'Not a category' }] } });
            }
          }
          const type = input.type ?? ChannelType.GuildText;
          const channel = await deps.store.guilds.createChannel({
            id: deps.nextId(),
            type,
            guildId: access.guild.id,
            name: type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement ? input.name.toLowerCase().replace(/\s+/g, '-') : input.name,
            topic: input.topic ?? null,
            position: input.position ?? 0,
            parentId: input.parent_id ?? null,
            nsfw: input.nsfw ?? false,
            rateLimitPerUser: input.rate_limit_per_user ?? 0,
            bitrate: type === ChannelType.GuildVoice ? (input.bitrate ?? 64_000) : null,
            userLimit: type === ChannelType.GuildVoice ? (input.user_limit ?? 0) : null,
            permissionOverwrites: toOverwrites(input.permission_overwrites ?? []),
          });
          const json = toDiscordChannel(channel);
          await publishToGuild(deps, access.guild.id, dispatchOf('CHANNEL_CREATE', json, { channelId: channel.id }));
          return created(json);
        },
      },
    ],
  ];
}
