/** Accounts: register, login, the current user, other users, DM channels, the gateway URL. */
import { generateToken, type StoredUser } from '@chat/store';
import { z } from 'zod';
import { loadGuildAccess } from '../access';
import { toDiscordChannel, toDiscordCurrentUser, toDiscordPartialGuild, toDiscordUser } from '@chat/discord';
import { DiscordErrors, invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import { dispatchOf, noContent, ok, publishToGuild, sendToUsers, type RouteDefinition } from '../route-context';
import { intQuery, parseBody, snowflakeParam } from '../validation';
import { ChannelType } from '@chat/store';

const USERNAME = z.string().min(2).max(32).regex(/^[a-z0-9_.]+$/i, 'Username can only contain letters, numbers, underscores and periods.');

const registerBody = z.object({
  username: USERNAME,
  password: z.string().min(8).max(72),
  email: z.string().email().max(254).optional(),
  global_name: z.string().min(1).max(32).optional(),
});

const loginBody = z.object({ login: z.string().min(1).max(254), password: z.string().min(1).max(72) });

const patchMeBody = z.object({
  username: USERNAME.optional(),
  global_name: z.string().min(1).max(32).nullable().optional(),
  avatar: z.string().max(256).nullable().optional(),
});

const dmBody = z.object({ recipient_id: z.string().regex(/^\d{1,20}$/) });

/** The account routes. */
export function accountRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    ['GET', '/gateway', { auth: 'none', bucket: 'gateway', handler: async ({ deps }) => ok({ url: deps.gatewayUrl }) }],
    [
      'GET',
      '/gateway/bot',
      {
        auth: 'required',
        bucket: 'gateway.bot',
        callers: 'bots',
        handler: async ({ deps }) =>
          // One shard and a fixed session start budget: this server does not count IDENTIFYs per day.
          ok({ url: deps.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 } }),
      },
    ],
    [
      'POST',
      '/auth/register',
      {
        auth: 'none',
        bucket: 'auth.register',
        handler: async ({ deps, body }) => {
          const input = parseBody(registerBody, body);
          const user = await deps.store.users.createUser({ id: deps.nextId(), username: input.username, discriminator: '0', globalName: input.global_name ?? null, email: input.email ?? null });
          await deps.store.users.setPassword(user.id, input.password);
          const token = generateToken(user.id);
          await deps.store.users.addToken(user.id, token, 'user');
          return { status: 201, body: { token, user_id: user.id } };
        },
      },
    ],
    [
      'POST',
      '/auth/login',
      {
        auth: 'none',
        bucket: 'auth.login',
        handler: async ({ deps, body }) => {
          const input = parseBody(loginBody, body);
          const user = input.login.includes('@') ? await deps.store.users.getUserByEmail(input.login) : await deps.store.users.getUserByUsername(input.login);
          const valid = user !== undefined && !user.bot && (await deps.store.users.verifyPassword(user.id, input.password));
          if (!user || !valid) {
            const error = { code: 'INVALID_LOGIN', message: 'Login or password is invalid.' };
            throw invalidFormBody({ login: { _errors: [error] }, password: { _errors: [error] } });
          }
          const token = generateToken(user.id);
          await deps.store.users.addToken(user.id, token, 'user');
          return ok({ token, user_id: user.id, user_settings: { locale: 'en-US', theme: 'dark' } });
        },
      },
    ],
    ['GET', '/users/@me', { auth: 'required', bucket: 'users.me', handler: async ({ caller }) => ok(toDiscordCurrentUser(caller.user)) }],
    [
      'PATCH',
      '/users/@me',
      {
        auth: 'required',
        bucket: 'users.me.patch',
        handler: async ({ deps, caller, body }) => {
          const input = parseBody(patchMeBody, body);
          const updated = await deps.store.users.updateUser(caller.user.id, {
            ...(input.username !== undefined ? { username: input.username } : {}),
            ...(input.global_name !== undefined ? { globalName: input.global_name } : {}),
            ...(input.avatar !== undefined ? { avatar: input.avatar } : {}),
          });
          await sendToUsers(deps, [updated.id], dispatchOf('USER_UPDATE', toDiscordCurrentUser(updated)));
          return ok(toDiscordCurrentUser(updated));
        },
      },
    ],
    [
      'GET',
      '/users/@me/guilds',
      {
        auth: 'required',
        bucket: 'users.me.guilds',
        handler: async ({ deps, caller, query }) => {
          const limit = intQuery(query, 'limit', 1, 200, 200);
          const after = query.get('after');
          const before = query.get('before');
          if (after !== null) snowflakeParam(after, 'after');
          if (before !== null) snowflakeParam(before, 'before');
          let ids = await deps.store.guilds.listGuildIdsForUser(caller.user.id);
          if (after !== null) ids = ids.filter((id) => BigInt(id) > BigInt(after));
          if (before !== null) ids = ids.filter((id) => BigInt(id) < BigInt(before));
          const page = ids.slice(0, limit);
          const guilds = [];
          for (const id of page) {
            const access = await loadGuildAccess(deps.store.guilds, id, caller.user.id).catch(() => undefined);
            if (access) guilds.push(toDiscordPartialGuild(access.guild, caller.user.id, access.permissions));
          }
          return ok(guilds);
        },
      },
    ],
    [
      'DELETE',
      '/users/@me/guilds/:guildId',
      {
        auth: 'required',
        bucket: 'users.me.guilds.leave',
        handler: async ({ deps, caller, params }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          if (access.isOwner) throw invalidFormBody({ guild_id: { _errors: [{ code: 'OWNER_CANNOT_LEAVE', message: 'The owner cannot leave the guild; transfer or delete it.' }] } });
          await deps.store.guilds.removeMember(access.guild.id, caller.user.id);
          await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_MEMBER_REMOVE', { guild_id: access.guild.id, user: toDiscordUser(caller.user) }));
          await sendToUsers(deps, [caller.user.id], dispatchOf('GUILD_DELETE', { id: access.guild.id }));
          return noContent();
        },
      },
    ],
    [
      'GET',
      '/users/:userId',
      {
        auth: 'required',
        bucket: 'users.get',
        handler: async ({ deps, params }) => {
          const user = await deps.store.users.getUser(snowflakeParam(params.userId, 'user_id'));
          if (!user) throw DiscordErrors.unknownUser();
          return ok(toDiscordUser(user));
        },
      },
    ],
    [
      'GET',
      '/users/@me/channels',
      {
        auth: 'required',
        bucket: 'users.me.channels',
        handler: async ({ deps, caller }) => {
          const channels = await deps.store.guilds.listDmChannels(caller.user.id);
          const users = await deps.store.users.getUsers([...new Set(channels.flatMap((c) => c.recipientIds))]);
          return ok(channels.map((channel) => toDiscordChannel(channel, users.filter((u) => channel.recipientIds.includes(u.id)), caller.user.id)));
        },
      },
    ],
    [
      'POST',
      '/users/@me/channels',
      {
        auth: 'required',
        bucket: 'users.me.channels.create',
        handler: async ({ deps, caller, body }) => {
          const input = parseBody(dmBody, body);
          const other = await deps.store.users.getUser(input.recipient_id);
          if (!other) throw DiscordErrors.unknownUser();
          if (other.id === caller.user.id) throw invalidFormBody({ recipient_id: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Cannot open a DM with yourself.' }] } });
          let channel = await deps.store.guilds.getDmChannel(caller.user.id, other.id);
          let isNew = false;
          if (!channel) {
            try {
              channel = await deps.store.guilds.createChannel({ id: deps.nextId(), type: ChannelType.DM, guildId: null, recipientIds: [caller.user.id, other.id] });
              isNew = true;
            } catch (error) {
              channel = await deps.store.guilds.getDmChannel(caller.user.id, other.id);
              if (!channel) throw error;
            }
          }
          const recipients: StoredUser[] = [caller.user, other];
          const json = toDiscordChannel(channel, recipients, caller.user.id);
          if (isNew) await sendToUsers(deps, [caller.user.id], dispatchOf('CHANNEL_CREATE', json));
          return ok(json);
        },
      },
    ],
  ];
}
