/** Invites: create one for a channel, look one up, join a guild with one. */
import { randomBytes } from 'node:crypto';
import { Permission } from '@chat/permissions';
import { DuplicateEntityError, type StoredInvite } from '@chat/store';
import { z } from 'zod';
import { loadChannelAccess, requirePermission } from '../access';
import { toDiscordInvite } from '@chat/discord';
import { DiscordErrors } from '../errors';
import type { HttpMethod } from '../route-context';
import { dispatchOf, ok, publishToGuild, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { parseBody } from '../validation';
import { announceJoin } from './guild-events';
import { toDiscordUser } from '@chat/discord';

const inviteBody = z.object({
  max_age: z.number().int().min(0).max(604_800).optional(),
  max_uses: z.number().int().min(0).max(100).optional(),
  temporary: z.boolean().optional(),
  unique: z.boolean().optional(),
});

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function newCode(): string {
  return [...randomBytes(8)].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}

async function inviteJson(deps: ResolvedDeps, invite: StoredInvite): Promise<ReturnType<typeof toDiscordInvite>> {
  const [guild, channel, inviter] = await Promise.all([
    deps.store.guilds.getGuild(invite.guildId),
    deps.store.guilds.getChannel(invite.channelId),
    invite.inviterId ? deps.store.users.getUser(invite.inviterId) : Promise.resolve(undefined),
  ]);
  if (!guild || !channel) throw DiscordErrors.unknownInvite();
  return toDiscordInvite(invite, guild, channel, inviter);
}

function checkCode(code: string | undefined): string {
  if (!code || !/^[A-Za-z0-9_-]{2,32}$/.test(code)) throw DiscordErrors.unknownInvite();
  return code;
}

/** The invite routes. */
export function inviteRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'POST',
      '/channels/:channelId/invites',
      {
        auth: 'required',
        bucket: 'channels.invites.create',
        major: 'channelId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller.user.id);
          if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
          requirePermission(access.permissions, Permission.CREATE_INSTANT_INVITE);
          const input = parseBody(inviteBody, body);
          let invite: StoredInvite | undefined;
          for (let attempt = 0; !invite && attempt < 5; attempt++) {
            try {
              invite = await deps.store.guilds.createInvite({
                code: newCode(),
                guildId: access.guild.guild.id,
                channelId: access.channel.id,
                inviterId: caller.user.id,
                createdAt: new Date(deps.clock()),
                maxAge: input.max_age ?? 86_400,
                maxUses: input.max_uses ?? 0,
                temporary: input.temporary ?? false,
              });
            } catch (error) {
              if (!(error instanceof DuplicateEntityError)) throw error;
            }
          }
          if (!invite) throw new Error('could not find a free invite code');
          const json = await inviteJson(deps, invite);
          await publishToGuild(
            deps,
            invite.guildId,
            dispatchOf(
              'INVITE_CREATE',
              { channel_id: invite.channelId, code: invite.code, created_at: json.created_at, guild_id: invite.guildId, inviter: toDiscordUser(caller.user), max_age: invite.maxAge, max_uses: invite.maxUses, temporary: invite.temporary, uses: 0 },
              { channelId: invite.channelId },
            ),
          );
          return ok(json);
        },
      },
    ],
    [
      'GET',
      '/invites/:code',
      {
        auth: 'optional',
        bucket: 'invites.get',
        handler: async ({ deps, params }) => {
          const invite = await deps.store.guilds.getInvite(checkCode(params.code));
          if (!invite) throw DiscordErrors.unknownInvite();
          if (invite.expiresAt !== null && invite.expiresAt.getTime() <= deps.clock()) throw DiscordErrors.unknownInvite();
          return ok(await inviteJson(deps, invite));
        },
      },
    ],
    [
      'POST',
      '/invites/:code',
      {
        auth: 'required',
        bucket: 'invites.accept',
        callers: 'users',
        handler: async ({ deps, caller, params }) => {
          const code = checkCode(params.code);
          const existing = await deps.store.guilds.getInvite(code);
          if (!existing) throw DiscordErrors.unknownInvite();
          const already = await deps.store.guilds.getMember(existing.guildId, caller.user.id);
          if (already) return ok({ ...(await inviteJson(deps, existing)), new_member: false });
          const invite = await deps.store.guilds.useInvite(code, new Date(deps.clock()));
          let member;
          try {
            member = await deps.store.guilds.addMember({ guildId: invite.guildId, userId: caller.user.id, joinedAt: new Date(deps.clock()) });
          } catch (error) {
            if (error instanceof DuplicateEntityError) return ok({ ...(await inviteJson(deps, invite)), new_member: false });
            throw error;
          }
          await announceJoin(deps, invite.guildId, member, caller.user);
          return ok({ ...(await inviteJson(deps, invite)), new_member: true });
        },
      },
    ],
  ];
}
