/**
 * Webhooks: channel webhooks (create, list, read, edit, delete, execute,
 * and their messages), and the webhook side of interactions, where the
 * application id is the webhook id and the interaction token the webhook
 * token (follow-ups, the original response).
 */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { toDiscordWebhook } from '@chat/discord';
import { ALL_PERMISSIONS, Permission } from '@chat/permissions';
import { hashToken, type StoredMember, type StoredUser } from '@chat/store';
import { z } from 'zod';
import { guildAccessOf, loadChannelAccess, loadGuildAccess, requirePermission, TEXT_CHANNEL_TYPES, type ChannelAccess } from '../access';
import { DiscordErrors, invalidFormBody, treeFor } from '../errors';
import { deleteInteractionMessage, editInteractionMessage, getInteractionMessage, interactionOfWebhook, postFollowup } from '../interactions/followups';
import type { StoredInteraction } from '../interactions/interaction-records';
import { deleteAppMessage, editAppMessage, postAppMessage, type AppPoster } from '../messages/app-messages';
import { messageBodyFields, messageEditFields } from '../messages/message-body';
import { dispatchOf, noContent, ok, publishToGuild, type HttpMethod, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { parseBody, snowflakeParam } from '../validation';
import { messagesJson } from './message-json';
import { newWebhookToken, WebhookRecords, type StoredWebhook } from '../webhooks/webhook-records';

/** Webhooks per channel and per guild (Discord's limits: 15, 1000). */
const PER_CHANNEL = 15;
const PER_GUILD = 1000;

const webhookName = z
  .string()
  .min(1)
  .max(80)
  .refine((name) => !/clyde|discord/i.test(name), { message: 'Webhook names cannot contain "clyde" or "discord"' });
/** Avatars need the CDN (uploads come with rich messages); until then only null is taken, never silently dropped. */
const noAvatar = z.null().optional();
const createBody = z.object({ name: webhookName, avatar: noAvatar });
const patchBody = z.object({ name: webhookName.optional(), avatar: noAvatar, channel_id: z.string().regex(/^\d{1,20}$/).nullish() });
const tokenPatchBody = z.object({ name: webhookName.optional(), avatar: noAvatar });
const executeBody = z.object({
  ...messageBodyFields,
  username: z.string().min(1).max(80).optional(),
  avatar_url: z.string().max(2048).url().optional(),
});
const messageEdit = z.object(messageEditFields);

const webhooks = (deps: ResolvedDeps) => new WebhookRecords(deps.store.records);

/** A guild text channel the caller may manage webhooks in. */
async function manageableChannel(deps: ResolvedDeps, channelId: string | undefined, userId: string): Promise<ChannelAccess> {
  const access = await loadChannelAccess(deps.store.guilds, channelId ?? '', userId);
  if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
  if (!TEXT_CHANNEL_TYPES.has(access.channel.type)) throw DiscordErrors.nonTextChannel();
  requirePermission(access.permissions, Permission.MANAGE_WEBHOOKS);
  return access;
}

/** A webhook the caller may manage (unknown -> 10015). */
async function manageableWebhook(deps: ResolvedDeps, webhookId: string | undefined, userId: string): Promise<StoredWebhook> {
  const webhook = await webhooks(deps).get(snowflakeParam(webhookId, 'webhook_id'));
  if (!webhook) throw DiscordErrors.unknownWebhook();
  await manageableChannel(deps, webhook.channelId, userId);
  return webhook;
}

async function json(deps: ResolvedDeps, webhook: StoredWebhook, withCreator: boolean, token?: string): Promise<unknown> {
  const creator = withCreator ? await deps.store.users.getUser(webhook.creatorId) : undefined;
  return toDiscordWebhook(webhook, { ...(creator ? { creator } : {}), ...(token ? { token } : {}) });
}

async function announce(deps: ResolvedDeps, webhook: StoredWebhook, channelId = webhook.channelId): Promise<void> {
  await publishToGuild(deps, webhook.guildId, dispatchOf('WEBHOOKS_UPDATE', { guild_id: webhook.guildId, channel_id: channelId }, { channelId }));
}

/** What a token route addresses: a channel webhook, or an interaction of the application whose id was given. */
type TokenTarget = { webhook: StoredWebhook } | { interaction: StoredInteraction };

async function tokenTarget(deps: ResolvedDeps, webhookId: string | undefined, token: string | undefined): Promise<TokenTarget> {
  const id = snowflakeParam(webhookId, 'webhook_id');
  const records = webhooks(deps);
  const webhook = await records.get(id);
  if (webhook) {
    if (!records.tokenMatches(webhook, token ?? '')) throw DiscordErrors.invalidWebhookToken();
    return { webhook };
  }
  const interaction = await interactionOfWebhook(deps, id, token ?? '');
  if (!interaction) throw DiscordErrors.unknownWebhook();
  return { interaction };
}

/** The webhook as a message author: a bot-like stand-in with its id, posting under its name (or the override). */
async function webhookPoster(deps: ResolvedDeps, webhook: StoredWebhook, username?: string): Promise<AppPoster> {
  const channel = await deps.store.guilds.getChannel(webhook.channelId);
  const guild = await deps.store.guilds.getGuild(webhook.guildId);
  if (!channel || !guild) throw DiscordErrors.unknownWebhook();
  const roles = await deps.store.guilds.listRoles(guild.id);
  // Webhooks are not members: they may mention everyone and embed links, as on Discord.
  const standIn: StoredMember = { guildId: guild.id, userId: webhook.id, nick: null, roleIds: [], joinedAt: new Date(0), deaf: false, mute: false };
  const access: ChannelAccess = { channel, guild: guildAccessOf(guild, roles, standIn), permissions: ALL_PERMISSIONS };
  const author: StoredUser = { id: webhook.id, username: username ?? webhook.name, discriminator: '0000', globalName: null, avatar: webhook.avatar, bot: true, flags: 0, email: null, createdAt: new Date(0) };
  return { authorId: webhook.id, author, origin: { webhookId: webhook.id, authorOverride: { username: username ?? webhook.name, avatar: webhook.avatar } }, access };
}

/** A webhook that is not an application's may send link buttons, nothing interactive (as on Discord). */
function checkWebhookComponents(components: readonly { components: readonly { type: number; style?: number }[] }[] | undefined): void {
  const interactive = (components ?? []).some((row) => row.components.some((c) => c.type !== ComponentType.Button || c.style !== ButtonStyle.Link));
  if (interactive) throw DiscordErrors.invalidField('components', 'COMPONENT_INVALID_SENDER', 'Only application-owned webhooks can send interactive components');
}

async function webhookMessage(deps: ResolvedDeps, webhook: StoredWebhook, messageId: string | undefined) {
  const message = await deps.messages.get(webhook.channelId, snowflakeParam(messageId, 'message_id'));
  if (!message || message.origin?.webhookId !== webhook.id) throw DiscordErrors.unknownMessage();
  return message;
}

function refuseThreads(query: URLSearchParams): void {
  if (query.get('thread_id') !== null) throw invalidFormBody(treeFor(['thread_id'], { code: 'BASE_TYPE_INVALID', message: 'Threads are not supported by this server yet.' }));
}

/** The webhook routes. */
export function webhookRoutes(): [HttpMethod, string, RouteDefinition][] {
  const tokenRoute = '/webhooks/:webhookId/:webhookToken';
  return [
    ['POST', '/channels/:channelId/webhooks', { auth: 'required', bucket: 'webhooks.create', major: 'channelId', handler: async ({ deps, caller, params, body }) => {
      const access = await manageableChannel(deps, params.channelId, caller.user.id);
      const input = parseBody(createBody, body);
      const records = webhooks(deps);
      const guildId = access.channel.guildId as string;
      if ((await records.ofChannel(access.channel.id)).length >= PER_CHANNEL) throw DiscordErrors.maxWebhooks();
      if ((await records.ofGuild(guildId)).length >= PER_GUILD) throw DiscordErrors.maxWebhooks();
      const token = newWebhookToken();
      const webhook: StoredWebhook = { id: deps.nextId(), type: 1, guildId, channelId: access.channel.id, name: input.name, avatar: null, creatorId: caller.user.id, tokenHash: hashToken(token) };
      await records.save(webhook);
      await announce(deps, webhook);
      return ok(await json(deps, webhook, true, token));
    } }],
    ['GET', '/channels/:channelId/webhooks', { auth: 'required', bucket: 'webhooks.list', major: 'channelId', handler: async ({ deps, caller, params }) => {
      const access = await manageableChannel(deps, params.channelId, caller.user.id);
      return ok(await Promise.all((await webhooks(deps).ofChannel(access.channel.id)).map((w) => json(deps, w, true))));
    } }],
    ['GET', '/guilds/:guildId/webhooks', { auth: 'required', bucket: 'webhooks.list', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      requirePermission(access.permissions, Permission.MANAGE_WEBHOOKS);
      return ok(await Promise.all((await webhooks(deps).ofGuild(access.guild.id)).map((w) => json(deps, w, true))));
    } }],
    ['GET', '/webhooks/:webhookId', { auth: 'required', bucket: 'webhooks.get', major: 'webhookId', handler: async ({ deps, caller, params }) => {
      return ok(await json(deps, await manageableWebhook(deps, params.webhookId, caller.user.id), true));
    } }],
    ['PATCH', '/webhooks/:webhookId', { auth: 'required', bucket: 'webhooks.edit', major: 'webhookId', handler: async ({ deps, caller, params, body }) => {
      const webhook = await manageableWebhook(deps, params.webhookId, caller.user.id);
      const input = parseBody(patchBody, body);
      const previous = webhook.channelId;
      if (input.channel_id && input.channel_id !== webhook.channelId) {
        const target = await manageableChannel(deps, input.channel_id, caller.user.id);
        if (target.channel.guildId !== webhook.guildId) throw DiscordErrors.invalidField('channel_id', 'BASE_TYPE_INVALID', 'The channel must be in the same guild');
        webhook.channelId = target.channel.id;
      }
      if (input.name !== undefined) webhook.name = input.name;
      await webhooks(deps).save(webhook, previous);
      await announce(deps, webhook);
      if (previous !== webhook.channelId) await announce(deps, webhook, previous);
      return ok(await json(deps, webhook, true));
    } }],
    ['DELETE', '/webhooks/:webhookId', { auth: 'required', bucket: 'webhooks.delete', major: 'webhookId', handler: async ({ deps, caller, params }) => {
      const webhook = await manageableWebhook(deps, params.webhookId, caller.user.id);
      await webhooks(deps).remove(webhook);
      await announce(deps, webhook);
      return noContent();
    } }],
    ['GET', tokenRoute, { auth: 'none', bucket: 'webhooks.token', major: 'webhookId', handler: async ({ deps, params }) => {
      const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
      if (!('webhook' in target)) throw DiscordErrors.unknownWebhook();
      return ok(await json(deps, target.webhook, false));
    } }],
    ['PATCH', tokenRoute, { auth: 'none', bucket: 'webhooks.token', major: 'webhookId', handler: async ({ deps, params, body }) => {
      const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
      if (!('webhook' in target)) throw DiscordErrors.unknownWebhook();
      const input = parseBody(tokenPatchBody, body);
      if (input.name !== undefined) target.webhook.name = input.name;
      await webhooks(deps).save(target.webhook);
      await announce(deps, target.webhook);
      return ok(await json(deps, target.webhook, false));
    } }],
    ['DELETE', tokenRoute, { auth: 'none', bucket: 'webhooks.token', major: 'webhookId', handler: async ({ deps, params }) => {
      const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
      if (!('webhook' in target)) throw DiscordErrors.unknownWebhook();
      await webhooks(deps).remove(target.webhook);
      await announce(deps, target.webhook);
      return noContent();
    } }],
    ['POST', tokenRoute, { auth: 'none', bucket: 'webhooks.execute', major: 'webhookId', uploads: true, handler: async ({ deps, params, body, query, files }) => {
      refuseThreads(query);
      const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
      const input = parseBody(executeBody, body);
      if ('interaction' in target) {
        if (input.username !== undefined || input.avatar_url !== undefined) throw DiscordErrors.invalidField(input.username !== undefined ? 'username' : 'avatar_url', 'BASE_TYPE_INVALID', 'Follow-up messages post as the application');
        return ok(await postFollowup(deps, target.interaction, input, files));
      }
      if (input.avatar_url !== undefined) throw DiscordErrors.invalidField('avatar_url', 'BASE_TYPE_INVALID', 'Avatar overrides need the CDN, which this server does not have yet.');
      checkWebhookComponents(input.components);
      const message = await postAppMessage(deps, await webhookPoster(deps, target.webhook, input.username), { body: input, type: 0, files });
      return query.get('wait') === 'true' ? ok(message) : noContent();
    } }],
    ...(['@original', ':messageId'] as const).flatMap((last): [HttpMethod, string, RouteDefinition][] => {
      const path = `${tokenRoute}/messages/${last}`;
      const key = (params: Record<string, string>) => (last === '@original' ? '@original' : snowflakeParam(params.messageId, 'message_id'));
      return [
        ['GET', path, { auth: 'none', bucket: 'webhooks.messages', major: 'webhookId', handler: async ({ deps, params, query }) => {
          refuseThreads(query);
          const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
          if ('interaction' in target) return ok(await getInteractionMessage(deps, target.interaction, key(params)));
          if (last === '@original') throw DiscordErrors.unknownMessage();
          const [message] = await messagesJson(deps, [await webhookMessage(deps, target.webhook, params.messageId)], undefined);
          return ok(message);
        } }],
        ['PATCH', path, { auth: 'none', bucket: 'webhooks.messages', major: 'webhookId', uploads: true, handler: async ({ deps, params, body, query, files }) => {
          refuseThreads(query);
          const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
          const input = parseBody(messageEdit, body);
          if ('interaction' in target) return ok(await editInteractionMessage(deps, target.interaction, key(params), input, files));
          if (last === '@original') throw DiscordErrors.unknownMessage();
          if (input.components) checkWebhookComponents(input.components);
          const existing = await webhookMessage(deps, target.webhook, params.messageId);
          return ok(await editAppMessage(deps, await webhookPoster(deps, target.webhook, existing.origin?.authorOverride?.username), existing, input, files));
        } }],
        ['DELETE', path, { auth: 'none', bucket: 'webhooks.messages', major: 'webhookId', handler: async ({ deps, params, query }) => {
          refuseThreads(query);
          const target = await tokenTarget(deps, params.webhookId, params.webhookToken);
          if ('interaction' in target) {
            await deleteInteractionMessage(deps, target.interaction, key(params));
            return noContent();
          }
          if (last === '@original') throw DiscordErrors.unknownMessage();
          await deleteAppMessage(deps, await webhookPoster(deps, target.webhook), await webhookMessage(deps, target.webhook, params.messageId));
          return noContent();
        } }],
      ];
    }),
  ];
}
