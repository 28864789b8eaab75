/**
 * The REST API against Discord's published OpenAPI description: every
 * operation the API implements is called through real HTTP on the whole
 * server (one process, SQLite in memory), and its status and body must be
 * what the spec documents for that operation (Ajv, JSON Schema 2020-12).
 * Fields a client sends and the server accepts must come back in the answer,
 * and a Discord field the server does not support yet must be refused with
 * 50035 naming it, never dropped. A route added without a case here fails
 * the coverage check.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyKey } from 'discord-interactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@chat/modules';
import { restRouteTable } from '@chat/api';
import { DiscordResponseSchemas } from './discord-response-schemas';
import { startInProcessServer } from '../testing/in-process-server';
import { implementedOperations } from '../testing/spec-operations';

interface World {
  alice: string;
  bob: string;
  bobId: string;
  bot: string;
  botId: string;
  appId: string;
  guild: string;
  channel: string;
  message: string;
  role: string;
  code: string;
  extraChannel: string;
  bulk: string[];
  command: string;
  guildCommand: string;
  /** The interactions endpoint the application answers through, and what it received. */
  endpoint: string;
  webhook: string;
  webhookToken: string;
  webhookMessage: string;
  interaction: string;
  interactionToken: string;
  emoji: string;
  appEmoji: string;
  sticker: string;
  poll: string;
}

/** One call: the operation (spec method and path), who calls, the path filled in, the body, and the fields that must come back. */
interface Case {
  readonly method: string;
  readonly path: string;
  readonly token: (w: World) => string | undefined;
  readonly url: (w: World) => string;
  readonly body?: (w: World) => unknown;
  /** Fields of the body that the answer must carry with the same value. */
  readonly echo?: readonly string[];
  /** Runs after the call (to remember an id the later cases need). */
  readonly then?: (w: World, body: any) => void;
  /** Runs before the call (to make what it acts on). */
  readonly prepare?: (w: World) => Promise<void>;
}

const CASES: Case[] = [
  { method: 'GET', path: '/gateway', token: () => undefined, url: () => '/gateway' },
  { method: 'GET', path: '/gateway/bot', token: (w) => w.bot, url: () => '/gateway/bot' },
  { method: 'GET', path: '/users/@me', token: (w) => w.alice, url: () => '/users/@me' },
  { method: 'PATCH', path: '/users/@me', token: (w) => w.alice, url: () => '/users/@me', body: () => ({ global_name: 'Alice A.' }), echo: ['global_name'] },
  { method: 'GET', path: '/users/{user_id}', token: (w) => w.alice, url: (w) => `/users/${w.bobId}` },
  { method: 'GET', path: '/users/@me/guilds', token: (w) => w.alice, url: () => '/users/@me/guilds' },
  { method: 'POST', path: '/users/@me/channels', token: (w) => w.alice, url: () => '/users/@me/channels', body: (w) => ({ recipient_id: w.bobId }) },
  { method: 'GET', path: '/applications/{application_id}', token: (w) => w.alice, url: (w) => `/applications/${w.appId}` },
  { method: 'GET', path: '/applications/@me', token: (w) => w.bot, url: () => '/applications/@me' },
  {
    method: 'POST',
    path: '/applications/{application_id}/commands',
    token: (w) => w.bot,
    url: (w) => `/applications/${w.appId}/commands`,
    body: () => ({ name: 'echo', description: 'Echoes', options: [{ type: 3, name: 'text', description: 'What to echo', required: true, max_length: 100 }], contexts: [0], nsfw: false }),
    echo: ['name', 'description', 'options', 'contexts', 'nsfw'],
    then: (w, body) => void (w.command = body.id),
  },
  { method: 'GET', path: '/applications/{application_id}/commands', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/commands` },
  { method: 'GET', path: '/applications/{application_id}/commands/{command_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/commands/${w.command}` },
  {
    method: 'PATCH',
    path: '/applications/{application_id}/commands/{command_id}',
    token: (w) => w.bot,
    url: (w) => `/applications/${w.appId}/commands/${w.command}`,
    body: () => ({ description: 'Echoes back', default_member_permissions: '2048' }),
    echo: ['description', 'default_member_permissions'],
  },
  {
    method: 'PUT',
    path: '/applications/{application_id}/commands',
    token: (w) => w.bot,
    url: (w) => `/applications/${w.appId}/commands`,
    body: () => [{ name: 'echo', description: 'Echoes' }, { name: 'Quote', type: 3 }],
    then: (w, body) => void (w.command = body.find((c: { name: string }) => c.name === 'echo').id),
  },
  {
    method: 'POST',
    path: '/applications/{application_id}/guilds/{guild_id}/commands',
    token: (w) => w.bot,
    url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands`,
    body: () => ({ name: 'Profile', type: 2, default_member_permissions: null }),
    echo: ['name', 'type'],
    then: (w, body) => void (w.guildCommand = body.id),
  },
  { method: 'GET', path: '/applications/{application_id}/guilds/{guild_id}/commands', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands` },
  { method: 'GET', path: '/applications/{application_id}/guilds/{guild_id}/commands/{command_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/${w.guildCommand}` },
  { method: 'PATCH', path: '/applications/{application_id}/guilds/{guild_id}/commands/{command_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/${w.guildCommand}`, body: () => ({ name: 'Show profile' }), echo: ['name'] },
  { method: 'PUT', path: '/applications/{application_id}/guilds/{guild_id}/commands', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands`, body: () => [{ name: 'Show profile', type: 2 }], then: (w, body) => void (w.guildCommand = body[0].id) },
  {
    method: 'PUT',
    path: '/applications/{application_id}/guilds/{guild_id}/commands/{command_id}/permissions',
    token: (w) => w.alice,
    url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/${w.command}/permissions`,
    body: (w) => ({ permissions: [{ id: w.bobId, type: 2, permission: true }] }),
    echo: ['permissions'],
  },
  { method: 'GET', path: '/applications/{application_id}/guilds/{guild_id}/commands/{command_id}/permissions', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/${w.command}/permissions` },
  { method: 'GET', path: '/applications/{application_id}/guilds/{guild_id}/commands/permissions', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/permissions` },
  { method: 'DELETE', path: '/applications/{application_id}/guilds/{guild_id}/commands/{command_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/guilds/${w.guild}/commands/${w.guildCommand}` },
  { method: 'DELETE', path: '/applications/{application_id}/commands/{command_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/commands/${w.command}` },
  { method: 'GET', path: '/guilds/{guild_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}` },
  { method: 'PATCH', path: '/guilds/{guild_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}`, body: () => ({ name: 'Conformance', description: 'checked against the spec' }), echo: ['name', 'description'] },
  { method: 'GET', path: '/guilds/{guild_id}/channels', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/channels` },
  {
    method: 'POST',
    path: '/guilds/{guild_id}/channels',
    token: (w) => w.alice,
    url: (w) => `/guilds/${w.guild}/channels`,
    body: () => ({ name: 'second', type: 0, topic: 'the second one', nsfw: true, rate_limit_per_user: 5 }),
    echo: ['name', 'type', 'topic', 'nsfw', 'rate_limit_per_user'],
    then: (w, body) => void (w.extraChannel = body.id),
  },
  { method: 'GET', path: '/channels/{channel_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}` },
  {
    method: 'PATCH',
    path: '/channels/{channel_id}',
    token: (w) => w.alice,
    url: (w) => `/channels/${w.channel}`,
    body: () => ({ name: 'renamed', topic: 'a topic', nsfw: false, rate_limit_per_user: 0 }),
    echo: ['name', 'topic', 'nsfw', 'rate_limit_per_user'],
  },
  { method: 'POST', path: '/channels/{channel_id}/invites', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/invites`, body: () => ({ max_age: 3600, max_uses: 5, temporary: false }), echo: ['max_age', 'max_uses', 'temporary'] },
  { method: 'GET', path: '/invites/{code}', token: (w) => w.bob, url: (w) => `/invites/${w.code}` },
  {
    method: 'POST',
    path: '/channels/{channel_id}/messages',
    token: (w) => w.bot,
    url: (w) => `/channels/${w.channel}/messages`,
    body: () => ({
      content: 'hello spec',
      tts: false,
      nonce: '1234',
      embeds: [{ title: 'A title', description: 'and a description' }],
      components: [
        { type: 1, components: [{ type: 2, style: 1, label: 'Press', custom_id: 'press' }, { type: 2, style: 5, label: 'Docs', url: 'https://example.com/docs' }] },
        { type: 1, components: [{ type: 3, custom_id: 'pick', placeholder: 'Pick one', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b', description: 'the second' }] }] },
        { type: 1, components: [{ type: 8, custom_id: 'where', channel_types: [0], min_values: 1, max_values: 2 }] },
      ],
    }),
    echo: ['content', 'tts', 'nonce', 'embeds', 'components'],
  },
  { method: 'GET', path: '/channels/{channel_id}/messages', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages?limit=10` },
  { method: 'GET', path: '/channels/{channel_id}/messages/{message_id}', token: (w) => w.bob, url: (w) => `/channels/${w.channel}/messages/${w.message}` },
  { method: 'PATCH', path: '/channels/{channel_id}/messages/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages/${w.message}`, body: () => ({ content: 'edited' }), echo: ['content'] },
  { method: 'PUT', path: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me', token: (w) => w.bob, url: (w) => `${reactions(w)}/${THUMBS}/@me` },
  { method: 'GET', path: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}', token: (w) => w.alice, url: (w) => `${reactions(w)}/${THUMBS}?limit=10` },
  { method: 'DELETE', path: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}', token: (w) => w.alice, url: (w) => `${reactions(w)}/${THUMBS}/${w.bobId}` },
  {
    method: 'DELETE',
    path: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me',
    token: (w) => w.alice,
    url: (w) => `${reactions(w)}/${THUMBS}/@me`,
    prepare: async (w) => void (await ok('PUT', `${reactions(w)}/${THUMBS}/@me`, w.alice)),
  },
  {
    method: 'DELETE',
    path: '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}',
    token: (w) => w.alice,
    url: (w) => `${reactions(w)}/${THUMBS}`,
    prepare: async (w) => void (await ok('PUT', `${reactions(w)}/${THUMBS}/@me`, w.bob)),
  },
  {
    method: 'DELETE',
    path: '/channels/{channel_id}/messages/{message_id}/reactions',
    token: (w) => w.alice,
    url: (w) => reactions(w),
    prepare: async (w) => void (await ok('PUT', `${reactions(w)}/${THUMBS}/@me`, w.bob)),
  },
  {
    method: 'GET',
    path: '/channels/{channel_id}/polls/{message_id}/answers/{answer_id}',
    token: (w) => w.alice,
    url: (w) => `/channels/${w.channel}/polls/${w.poll}/answers/1?limit=10`,
    prepare: async (w) => {
      const poll = { question: { text: 'Spec?' }, answers: [{ poll_media: { text: 'Yes', emoji: { name: '👍' } } }, { poll_media: { text: 'No' } }], duration: 1 };
      w.poll = (await ok('POST', `/channels/${w.channel}/messages`, w.alice, { poll })).id;
      await ok('PUT', `/channels/${w.channel}/polls/${w.poll}/answers/1/@me`, w.bob);
    },
  },
  { method: 'POST', path: '/channels/{channel_id}/polls/{message_id}/expire', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/polls/${w.poll}/expire` },
  { method: 'PUT', path: '/channels/{channel_id}/messages/pins/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages/pins/${w.message}` },
  { method: 'GET', path: '/channels/{channel_id}/messages/pins', token: (w) => w.bob, url: (w) => `/channels/${w.channel}/messages/pins?limit=10` },
  { method: 'DELETE', path: '/channels/{channel_id}/messages/pins/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages/pins/${w.message}` },
  { method: 'PUT', path: '/channels/{channel_id}/pins/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/pins/${w.message}` },
  { method: 'GET', path: '/channels/{channel_id}/pins', token: (w) => w.bob, url: (w) => `/channels/${w.channel}/pins` },
  { method: 'DELETE', path: '/channels/{channel_id}/pins/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/pins/${w.message}` },
  { method: 'POST', path: '/channels/{channel_id}/typing', token: (w) => w.bob, url: (w) => `/channels/${w.channel}/typing` },
  { method: 'POST', path: '/channels/{channel_id}/messages/bulk-delete', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages/bulk-delete`, body: (w) => ({ messages: w.bulk }) },
  { method: 'PUT', path: '/channels/{channel_id}/permissions/{overwrite_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/permissions/${w.bobId}`, body: () => ({ type: 1, allow: '1024', deny: '0' }) },
  { method: 'DELETE', path: '/channels/{channel_id}/permissions/{overwrite_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/permissions/${w.bobId}` },
  {
    method: 'PATCH',
    path: '/applications/@me',
    token: (w) => w.bot,
    url: () => '/applications/@me',
    body: (w) => ({ description: 'checked against the spec', interactions_endpoint_url: w.endpoint }),
    echo: ['description', 'interactions_endpoint_url'],
  },
  { method: 'PATCH', path: '/applications/{application_id}', token: (w) => w.alice, url: (w) => `/applications/${w.appId}`, body: () => ({ description: 'edited by its owner' }), echo: ['description'] },
  {
    method: 'POST',
    path: '/interactions/{interaction_id}/{interaction_token}/callback',
    token: () => undefined,
    url: (w) => `/interactions/${w.interaction}/${w.interactionToken}/callback?with_response=true`,
    prepare: invokeCommand,
    body: () => ({ type: 4, data: { content: 'a reply, checked', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'More', custom_id: 'more' }] }] } }),
  },
  { method: 'GET', path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', token: () => undefined, url: (w) => `/webhooks/${w.appId}/${w.interactionToken}/messages/@original` },
  { method: 'PATCH', path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', token: () => undefined, url: (w) => `/webhooks/${w.appId}/${w.interactionToken}/messages/@original`, body: () => ({ content: 'an edited reply' }), echo: ['content'] },
  { method: 'DELETE', path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', token: () => undefined, url: (w) => `/webhooks/${w.appId}/${w.interactionToken}/messages/@original` },
  {
    method: 'POST',
    path: '/channels/{channel_id}/webhooks',
    token: (w) => w.alice,
    url: (w) => `/channels/${w.channel}/webhooks`,
    body: () => ({ name: 'Spec hook', avatar: null }),
    echo: ['name', 'avatar'],
    then: (w, body) => void ((w.webhook = body.id), (w.webhookToken = body.token)),
  },
  { method: 'GET', path: '/channels/{channel_id}/webhooks', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/webhooks` },
  { method: 'GET', path: '/guilds/{guild_id}/webhooks', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/webhooks` },
  { method: 'GET', path: '/webhooks/{webhook_id}', token: (w) => w.alice, url: (w) => `/webhooks/${w.webhook}` },
  { method: 'PATCH', path: '/webhooks/{webhook_id}', token: (w) => w.alice, url: (w) => `/webhooks/${w.webhook}`, body: (w) => ({ name: 'Renamed hook', channel_id: w.channel }), echo: ['name', 'channel_id'] },
  { method: 'GET', path: '/webhooks/{webhook_id}/{webhook_token}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}` },
  { method: 'PATCH', path: '/webhooks/{webhook_id}/{webhook_token}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}`, body: () => ({ name: 'Hook by token' }), echo: ['name'] },
  {
    method: 'POST',
    path: '/webhooks/{webhook_id}/{webhook_token}',
    token: () => undefined,
    url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}?wait=true`,
    body: () => ({ content: 'from a webhook', username: 'Deploys', embeds: [{ title: 'v2' }], tts: false }),
    echo: ['content', 'embeds', 'tts'],
    then: (w, body) => void (w.webhookMessage = body.id),
  },
  { method: 'GET', path: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}/messages/${w.webhookMessage}` },
  { method: 'PATCH', path: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}/messages/${w.webhookMessage}`, body: () => ({ content: 'edited by the webhook' }), echo: ['content'] },
  { method: 'DELETE', path: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}/messages/${w.webhookMessage}` },
  { method: 'DELETE', path: '/webhooks/{webhook_id}/{webhook_token}', token: () => undefined, url: (w) => `/webhooks/${w.webhook}/${w.webhookToken}` },
  {
    method: 'DELETE',
    path: '/webhooks/{webhook_id}',
    token: (w) => w.alice,
    url: (w) => `/webhooks/${w.webhook}`,
    prepare: async (w) => void (w.webhook = (await ok('POST', `/channels/${w.channel}/webhooks`, w.alice, { name: 'Short-lived' })).id),
  },
  {
    method: 'POST',
    path: '/guilds/{guild_id}/emojis',
    token: (w) => w.alice,
    url: (w) => `/guilds/${w.guild}/emojis`,
    body: () => ({ name: 'spec_emoji', image: pngDataUri(), roles: [] }),
    echo: ['name', 'roles'],
    then: (w, body) => void (w.emoji = body.id),
  },
  { method: 'GET', path: '/guilds/{guild_id}/emojis', token: (w) => w.bob, url: (w) => `/guilds/${w.guild}/emojis` },
  { method: 'GET', path: '/guilds/{guild_id}/emojis/{emoji_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/emojis/${w.emoji}` },
  { method: 'PATCH', path: '/guilds/{guild_id}/emojis/{emoji_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/emojis/${w.emoji}`, body: () => ({ name: 'spec_renamed', roles: [] }), echo: ['name', 'roles'] },
  { method: 'DELETE', path: '/guilds/{guild_id}/emojis/{emoji_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/emojis/${w.emoji}` },
  {
    method: 'POST',
    path: '/applications/{application_id}/emojis',
    token: (w) => w.bot,
    url: (w) => `/applications/${w.appId}/emojis`,
    body: () => ({ name: 'spec_app_emoji', image: pngDataUri() }),
    echo: ['name'],
    then: (w, body) => void (w.appEmoji = body.id),
  },
  { method: 'GET', path: '/applications/{application_id}/emojis', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/emojis` },
  { method: 'GET', path: '/applications/{application_id}/emojis/{emoji_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/emojis/${w.appEmoji}` },
  { method: 'PATCH', path: '/applications/{application_id}/emojis/{emoji_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/emojis/${w.appEmoji}`, body: () => ({ name: 'spec_app_renamed' }), echo: ['name'] },
  { method: 'DELETE', path: '/applications/{application_id}/emojis/{emoji_id}', token: (w) => w.bot, url: (w) => `/applications/${w.appId}/emojis/${w.appEmoji}` },
  { method: 'POST', path: '/guilds/{guild_id}/stickers', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/stickers`, body: () => stickerForm(), then: (w, body) => void (w.sticker = body.id) },
  { method: 'GET', path: '/guilds/{guild_id}/stickers', token: (w) => w.bob, url: (w) => `/guilds/${w.guild}/stickers` },
  { method: 'GET', path: '/guilds/{guild_id}/stickers/{sticker_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/stickers/${w.sticker}` },
  { method: 'GET', path: '/stickers/{sticker_id}', token: (w) => w.bob, url: (w) => `/stickers/${w.sticker}` },
  { method: 'PATCH', path: '/guilds/{guild_id}/stickers/{sticker_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/stickers/${w.sticker}`, body: () => ({ name: 'renamed sticker', tags: 'smile' }), echo: ['name', 'tags'] },
  { method: 'DELETE', path: '/guilds/{guild_id}/stickers/{sticker_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/stickers/${w.sticker}` },
  { method: 'GET', path: '/sticker-packs', token: (w) => w.bob, url: () => '/sticker-packs' },
  { method: 'GET', path: '/guilds/{guild_id}/roles', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/roles` },
  {
    method: 'POST',
    path: '/guilds/{guild_id}/roles',
    token: (w) => w.alice,
    url: (w) => `/guilds/${w.guild}/roles`,
    body: () => ({ name: 'mods', color: 255, hoist: true, mentionable: true, permissions: '1024' }),
    echo: ['name', 'color', 'hoist', 'mentionable', 'permissions'],
    then: (w, body) => void (w.role = body.id),
  },
  { method: 'PATCH', path: '/guilds/{guild_id}/roles/{role_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/roles/${w.role}`, body: () => ({ name: 'moderators' }), echo: ['name'] },
  { method: 'GET', path: '/guilds/{guild_id}/members', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members?limit=10` },
  { method: 'GET', path: '/guilds/{guild_id}/members/{user_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}` },
  { method: 'PUT', path: '/guilds/{guild_id}/members/{user_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}`, body: () => ({ access_token: 'unused' }) },
  { method: 'PATCH', path: '/guilds/{guild_id}/members/{user_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}`, body: () => ({ nick: 'bobby' }), echo: ['nick'] },
  { method: 'PUT', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}/roles/${w.role}` },
  { method: 'DELETE', path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}/roles/${w.role}` },
  { method: 'GET', path: '/guilds/{guild_id}/messages/search', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/messages/search?content=hello` },
  { method: 'DELETE', path: '/guilds/{guild_id}/roles/{role_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/roles/${w.role}` },
  { method: 'DELETE', path: '/channels/{channel_id}/messages/{message_id}', token: (w) => w.alice, url: (w) => `/channels/${w.channel}/messages/${w.message}` },
  { method: 'DELETE', path: '/channels/{channel_id}', token: (w) => w.alice, url: (w) => `/channels/${w.extraChannel}` },
  { method: 'DELETE', path: '/guilds/{guild_id}/members/{user_id}', token: (w) => w.alice, url: (w) => `/guilds/${w.guild}/members/${w.bobId}` },
  { method: 'DELETE', path: '/users/@me/guilds/{guild_id}', token: (w) => w.bot, url: (w) => `/users/@me/guilds/${w.guild}` },
];

/** The application's interactions endpoint: verifies signatures as bots do, answers PING, records interactions and answers them later over REST (an empty 202). */
const received: any[] = [];
let endpointServer: Server | undefined;
async function startEndpoint(publicKey: () => string): Promise<string> {
  endpointServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        if (!(await verifyKey(raw, String(req.headers['x-signature-ed25519']), String(req.headers['x-signature-timestamp']), publicKey()))) return void res.writeHead(401).end();
        const body = JSON.parse(raw.toString('utf8'));
        if (body.type === 1) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":1}');
        received.push(body);
        res.writeHead(202).end();
      })();
    });
  });
  await new Promise<void>((resolve) => endpointServer!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(endpointServer.address() as AddressInfo).port}/interactions`;
}

/** Bob invokes a fresh command; the endpoint gets the interaction, whose id and token the next case answers. */
async function invokeCommand(w: World): Promise<void> {
  const command = await ok('POST', `/applications/${w.appId}/guilds/${w.guild}/commands`, w.bot, { name: 'spec', description: 'For the callback case' });
  const before = received.length;
  const answer = await call('POST', '/interactions', w.bob, { type: 2, application_id: w.appId, guild_id: w.guild, channel_id: w.channel, nonce: '1', data: { id: command.id, name: 'spec', type: 1 } });
  if (answer.status !== 204) throw new Error(`invoke: ${answer.status} ${JSON.stringify(answer.body)}`);
  for (let i = 0; i < 100 && received.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const interaction = received[received.length - 1];
  w.interaction = interaction.id;
  w.interactionToken = interaction.token;
}

let server: RunningServer;
let api: string;
const world = {} as World;
const schemas = new DiscordResponseSchemas();

async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(`${api}/v10${path}`, {
    method,
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: token } : {}) },
    ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : (body as FormData) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** A 1x1 PNG, the image the emoji and sticker cases upload. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const pngDataUri = () => `data:image/png;base64,${TINY_PNG.toString('base64')}`;
function stickerForm(): FormData {
  const form = new FormData();
  form.append('name', 'spec sticker');
  form.append('description', 'checked against the spec');
  form.append('tags', 'wave');
  form.append('file', new Blob([TINY_PNG], { type: 'image/png' }), 'sticker.png');
  return form;
}

/** A reaction the cases use, as a client puts it in the path. */
const THUMBS = encodeURIComponent('👍');
const reactions = (w: World) => `/channels/${w.channel}/messages/${w.message}/reactions`;

async function ok(method: string, path: string, token: string | undefined, body?: unknown): Promise<any> {
  const answer = await call(method, path, token, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

beforeAll(async () => {
  server = await startInProcessServer({ CHAT_API_RATE_LIMITS: 'off' });
  api = server.endpoints.api!;
  const register = (name: string) => ok('POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` });
  const alice = await register('alice');
  const bob = await register('bob');
  world.alice = alice.token;
  world.bob = bob.token;
  world.bobId = bob.user_id;
  world.appId = (await ok('POST', '/applications', world.alice, { name: 'conformance' })).id;
  const bot = await ok('POST', `/applications/${world.appId}/bot`, world.alice);
  const publicKey = (await ok('GET', `/applications/${world.appId}`, world.alice)).verify_key as string;
  world.bot = `Bot ${bot.token}`;
  world.endpoint = await startEndpoint(() => publicKey);
  world.botId = bot.user.id;
  world.guild = (await ok('POST', '/guilds', world.alice, { name: 'Spec' })).id;
  world.channel = (await ok('GET', `/guilds/${world.guild}/channels`, world.alice))[0].id;
  world.code = (await ok('POST', `/channels/${world.channel}/invites`, world.alice, {})).code;
  await ok('POST', `/invites/${world.code}`, world.bob, {});
  await ok('POST', `/oauth2/authorize?client_id=${world.appId}&scope=bot`, world.alice, { guild_id: world.guild, permissions: '0', authorize: true });
  world.message = (await ok('POST', `/channels/${world.channel}/messages`, world.alice, { content: 'the message the cases read' })).id;
  world.bulk = [
    (await ok('POST', `/channels/${world.channel}/messages`, world.alice, { content: 'bulk one' })).id,
    (await ok('POST', `/channels/${world.channel}/messages`, world.alice, { content: 'bulk two' })).id,
  ];
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (endpointServer ? endpointServer.close(() => resolve()) : resolve()));
  await server?.shutdown('test');
});

describe("the REST API against Discord's OpenAPI description", () => {
  it('has a case for every operation it implements', () => {
    const implemented = implementedOperations(restRouteTable()).implemented.map((o) => `${o.method} ${o.path}`).sort();
    expect(CASES.map((c) => `${c.method} ${c.path}`).sort()).toEqual(implemented);
  });

  it('refuses Discord fields it does not support yet with 50035 naming them, instead of dropping them', async () => {
    const message = await call('POST', `/channels/${world.channel}/messages`, world.alice, { content: 'with extras', sticker_ids: ['1'], thread_name: 'x' });
    expect(message.status).toBe(400);
    expect(message.body).toMatchObject({ code: 50035, errors: { sticker_ids: { _errors: [{ code: 'BASE_TYPE_INVALID' }] } } });
    expect(schemas.check('POST', '/channels/{channel_id}/messages', message.status, message.body)).toEqual([]);
    const timeout = await call('PATCH', `/guilds/${world.guild}/members/${world.botId}`, world.alice, { communication_disabled_until: new Date(Date.now() + 60_000).toISOString() });
    expect(timeout.status).toBe(400);
    expect(timeout.body).toMatchObject({ code: 50035, errors: { communication_disabled_until: { _errors: [{ code: 'BASE_TYPE_INVALID' }] } } });
    // Nothing was written by the refused message.
    const recent = await ok('GET', `/channels/${world.channel}/messages?limit=5`, world.alice);
    expect(recent.some((m: { content: string }) => m.content === 'with extras')).toBe(false);
    // Empty values ask for nothing and pass, as clients such as discord.js send them.
    const plain = await call('POST', `/channels/${world.channel}/messages`, world.alice, { content: 'plain', components: [], sticker_ids: [], attachments: [] });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
  });

  it.each(CASES.map((c) => [`${c.method} ${c.path}`, c] as const))('%s answers a documented status and body', async (_name, c) => {
    await c.prepare?.(world);
    const sent = c.body?.(world);
    const answer = await call(c.method, c.url(world), c.token(world), sent);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    expect(schemas.check(c.method, c.path, answer.status, answer.body)).toEqual([]);
    for (const field of c.echo ?? []) {
      // What was sent comes back; the server may add to it (an embed's type), never leave out.
      const value = (sent as Record<string, unknown>)[field];
      if (value !== null && typeof value === 'object') expect({ field, value: answer.body?.[field] }).toMatchObject({ field, value });
      else expect({ field, value: answer.body?.[field] }).toEqual({ field, value });
    }
    c.then?.(world, answer.body);
  });

});
