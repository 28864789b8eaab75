/** Bot applications: create an application, give it a bot user and token, add the bot to a guild. */
import { DuplicateEntityError, generateToken, type StoredApplication, type StoredUser } from '@chat/store';
import { Permission, parsePermissions } from '@chat/permissions';
import { z } from 'zod';
import { loadGuildAccess, requirePermission } from '../access';
import { CommandRecords } from '../commands/command-records';
import { ApplicationKeys } from '../interactions/application-keys';
import { verifyInteractionsEndpoint } from '../interactions/endpoint-verification';
import { toDiscordRole, toDiscordUser } from '@chat/discord';
import { DiscordErrors, invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import { dispatchOf, ok, publishToGuild, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { bitfieldSchema, parseBody, snowflakeParam } from '../validation';
import { announceJoin } from './guild-events';

const applicationBody = z.object({ name: z.string().min(2).max(32), description: z.string().max(400).optional() });
const authorizeBody = z.object({ guild_id: z.string().regex(/^\d{1,20}$/), permissions: bitfieldSchema.optional(), authorize: z.boolean().optional() });

/** What the application object shows beyond the stored application: its public key and interactions endpoint. */
interface ApplicationExtras {
  verifyKey: string;
  interactionsEndpointUrl: string | null;
}

async function extrasOf(deps: ResolvedDeps, applicationId: string): Promise<ApplicationExtras> {
  const keys = new ApplicationKeys(deps.store.records);
  return { verifyKey: await keys.publicKeyHex(applicationId), interactionsEndpointUrl: await keys.endpoint(applicationId) };
}

function toDiscordApplication(application: StoredApplication, owner: StoredUser, extras: ApplicationExtras, bot?: StoredUser): Record<string, unknown> {
  return {
    id: application.id,
    name: application.name,
    icon: null,
    description: application.description,
    bot_public: application.botPublic,
    bot_require_code_grant: application.botRequireCodeGrant,
    owner: toDiscordUser(owner),
    verify_key: extras.verifyKey,
    flags: application.flags,
    interactions_endpoint_url: extras.interactionsEndpointUrl,
    // Discord's fields for what this server has no notion of yet (OAuth2 redirects, teams): their empty values.
    type: null,
    flags_new: String(application.flags),
    redirect_uris: [],
    role_connections_verification_url: null,
    approximate_guild_count: 0,
    approximate_user_install_count: 0,
    approximate_user_authorization_count: 0,
    explicit_content_filter: 0,
    team: null,
    eligible_oauth2_scopes: ['bot'],
    ...(bot ? { bot: toDiscordUser(bot) } : {}),
  };
}

/** An application the caller owns (or, with `orItsBot`, is the bot of); unknown -> 10002, someone else's -> 50001. */
async function ownedApplication(deps: ResolvedDeps, applicationId: string, userId: string, orItsBot = false): Promise<StoredApplication> {
  const application = await deps.store.users.getApplication(snowflakeParam(applicationId, 'application_id'));
  if (!application) throw DiscordErrors.unknownApplication();
  if (application.ownerId !== userId && !(orItsBot && application.botUserId === userId)) throw DiscordErrors.missingAccess();
  return application;
}

async function createBotUser(deps: ResolvedDeps, name: string): Promise<StoredUser> {
  const username = name.toLowerCase().replace(/[^a-z0-9_.]/g, '_').slice(0, 32).padEnd(2, '_');
  for (let attempt = 0; attempt < 20; attempt++) {
    const discriminator = String(1 + Math.floor(Math.random() * 9999)).padStart(4, '0');
    try {
      return await deps.store.users.createUser({ id: deps.nextId(), username, discriminator, bot: true, globalName: name });
    } catch (error) {
      if (!(error instanceof DuplicateEntityError)) throw error;
    }
  }
  throw invalidFormBody({ username: { _errors: [{ code: 'USERNAME_TOO_MANY_USERS', message: 'Too many users have this username, please try another.' }] } });
}

const applicationPatchBody = z.object({
  description: z.string().max(400).optional(),
  interactions_endpoint_url: z.string().max(2048).url().refine((url) => /^https?:\/\//.test(url), 'Must be an http or https URL').nullable().optional(),
});

/** Applies PATCH /applications/...: the description, and an interactions endpoint that must pass Discord's two checks first. */
async function editApplication(deps: ResolvedDeps, application: StoredApplication, body: unknown, bot?: StoredUser): Promise<Record<string, unknown>> {
  const input = parseBody(applicationPatchBody, body);
  if (input.interactions_endpoint_url) await verifyInteractionsEndpoint(deps, application.id, input.interactions_endpoint_url);
  const updated = input.description === undefined ? application : await deps.store.users.updateApplication(application.id, { description: input.description });
  if (input.interactions_endpoint_url !== undefined) await new ApplicationKeys(deps.store.records).setEndpoint(application.id, input.interactions_endpoint_url);
  const owner = await deps.store.users.getUser(application.ownerId);
  if (!owner) throw DiscordErrors.unknownApplication();
  const botUser = bot ?? (application.botUserId ? await deps.store.users.getUser(application.botUserId) : undefined);
  return toDiscordApplication(updated, owner, await extrasOf(deps, application.id), botUser);
}

/** The application routes. */
export function applicationRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'POST',
      '/applications',
      {
        auth: 'required',
        bucket: 'applications.create',
        callers: 'users',
        handler: async ({ deps, caller, body }) => {
          const input = parseBody(applicationBody, body);
          const application = await deps.store.users.createApplication({ id: deps.nextId(), name: input.name, description: input.description ?? '', ownerId: caller.user.id });
          return { status: 201, body: toDiscordApplication(application, caller.user, await extrasOf(deps, application.id)) };
        },
      },
    ],
    [
      // discord.js's client.application.fetch(): the calling bot's own application. A literal beside
      // /applications/{application.id}; the router matches it first whatever the order.
      'GET',
      '/applications/@me',
      {
        auth: 'required',
        bucket: 'applications.get',
        callers: 'bots',
        handler: async ({ deps, caller }) => {
          const application = await deps.store.users.getApplicationByBotUser(caller.user.id);
          if (!application) throw DiscordErrors.unknownApplication();
          const owner = await deps.store.users.getUser(application.ownerId);
          if (!owner) throw DiscordErrors.unknownApplication();
          return ok(toDiscordApplication(application, owner, await extrasOf(deps, application.id), caller.user));
        },
      },
    ],
    [
      'GET',
      '/applications/:applicationId',
      {
        auth: 'required',
        bucket: 'applications.get',
        handler: async ({ deps, caller, params }) => {
          // The owner, and the application's own bot (discord.js's client.application.fetch() by id).
          const application = await ownedApplication(deps, params.applicationId ?? '', caller.user.id, true);
          const [owner, bot] = await Promise.all([deps.store.users.getUser(application.ownerId), application.botUserId ? deps.store.users.getUser(application.botUserId) : undefined]);
          if (!owner) throw DiscordErrors.unknownApplication();
          return ok(toDiscordApplication(application, owner, await extrasOf(deps, application.id), bot));
        },
      },
    ],
    [
      'PATCH',
      '/applications/@me',
      {
        auth: 'required',
        bucket: 'applications.edit',
        callers: 'bots',
        handler: async ({ deps, caller, body }) => {
          const application = await deps.store.users.getApplicationByBotUser(caller.user.id);
          if (!application) throw DiscordErrors.unknownApplication();
          return ok(await editApplication(deps, application, body, caller.user));
        },
      },
    ],
    [
      'PATCH',
      '/applications/:applicationId',
      {
        auth: 'required',
        bucket: 'applications.edit',
        handler: async ({ deps, caller, params, body }) => {
          const application = await ownedApplication(deps, params.applicationId ?? '', caller.user.id, true);
          return ok(await editApplication(deps, application, body));
        },
      },
    ],
    [
      'POST',
      '/applications/:applicationId/bot',
      {
        auth: 'required',
        bucket: 'applications.bot',
        callers: 'users',
        handler: async ({ deps, caller, params }) => {
          const application = await ownedApplication(deps, params.applicationId ?? '', caller.user.id);
          let bot = application.botUserId ? await deps.store.users.getUser(application.botUserId) : undefined;
          if (!bot) {
            bot = await createBotUser(deps, application.name);
            await deps.store.users.updateApplication(application.id, { botUserId: bot.id });
          } else {
            // A second call resets the token, as Discord's "Reset Token": the old one stops working.
            await deps.store.users.revokeTokens(bot.id, 'bot');
          }
          const token = generateToken(bot.id);
          await deps.store.users.addToken(bot.id, token, 'bot');
          return ok({ token, user: toDiscordUser(bot), application_id: application.id });
        },
      },
    ],
    [
      'POST',
      '/oauth2/authorize',
      {
        auth: 'required',
        bucket: 'oauth2.authorize',
        callers: 'users',
        handler: async ({ deps, caller, body, query }) => {
          const clientId = snowflakeParam(query.get('client_id'), 'client_id');
          const scopes = (query.get('scope') ?? 'bot').split(/[\s+]+/);
          if (!scopes.includes('bot')) throw invalidFormBody({ scope: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Only the bot scope is supported.' }] } });
          const input = parseBody(authorizeBody, body);
          const permissionsText = input.permissions ?? query.get('permissions') ?? '0';
          let permissions: bigint;
          try {
            permissions = parsePermissions(permissionsText);
          } catch {
            throw invalidFormBody({ permissions: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid permissions.' }] } });
          }
          if (input.authorize === false) return ok({ location: 'https://discord.com/oauth2/error?error=access_denied' });
          const application = await deps.store.users.getApplication(clientId);
          if (!application?.botUserId) throw DiscordErrors.unknownApplication();
          if (!application.botPublic && application.ownerId !== caller.user.id) throw DiscordErrors.missingAccess();
          const access = await loadGuildAccess(deps.store.guilds, input.guild_id, caller.user.id);
          requirePermission(access.permissions, Permission.MANAGE_GUILD);
          // Granting bits the caller lacks would escalate their own power through the bot.
          if (!access.isOwner && (permissions & ~access.permissions) !== 0n) throw DiscordErrors.missingPermissions();
          const bot = await deps.store.users.getUser(application.botUserId);
          if (!bot) throw DiscordErrors.unknownUser();
          const existing = await deps.store.guilds.getMember(access.guild.id, bot.id);
          if (existing) return ok({ location: `https://discord.com/oauth2/authorized?guild_id=${access.guild.id}` });
          const roleIds: string[] = [];
          if (permissions !== 0n) {
            const role = await deps.store.guilds.createRole({ id: deps.nextId(), guildId: access.guild.id, name: application.name, permissions: permissions.toString(), managed: true, position: 1 });
            roleIds.push(role.id);
            await publishToGuild(deps, access.guild.id, dispatchOf('GUILD_ROLE_CREATE', { guild_id: access.guild.id, role: toDiscordRole(role, bot.id) }));
          }
          const member = await deps.store.guilds.addMember({ guildId: access.guild.id, userId: bot.id, joinedAt: new Date(deps.clock()), roleIds });
          await announceJoin(deps, access.guild.id, member, bot);
          await new CommandRecords(deps.store.records).addToGuildIndex(access.guild.id, application.id);
          return ok({ location: `https://discord.com/oauth2/authorized?guild_id=${access.guild.id}` });
        },
      },
    ],
  ];
}
