/**
 * Issue 14's webhook "Done when": a webhook created through discord.js
 * (`channel.createWebhook`) posts with discord.js's WebhookClient, and the
 * message reaches the bot on the gateway with its webhook_id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, WebhookClient, type Guild, type Message, type TextChannel } from 'discord.js';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
let client: Client | undefined;
let hook: WebhookClient | undefined;
afterEach(async () => {
  hook?.destroy();
  await client?.destroy();
  await server?.shutdown('test');
  [server, client, hook] = [undefined, undefined, undefined];
});

describe('webhooks through discord.js', () => {
  it('channel.createWebhook, then WebhookClient.send: the bot sees the message with its webhook_id', async () => {
    server = await startInProcessServer();
    const api = server.endpoints.api!;
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(api, method, path, token, body);
    const alice = (await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' })).body.token as string;
    const guildId = (await call('POST', '/guilds', alice, { name: 'Home' })).body.id as string;
    const channelId = (await call('GET', `/guilds/${guildId}/channels`, alice)).body[0].id as string;
    const appId = (await call('POST', '/applications', alice, { name: 'Hooks' })).body.id as string;
    const botToken = (await call('POST', `/applications/${appId}/bot`, alice)).body.token as string;
    const permissions = String((1n << 10n) | (1n << 11n) | (1n << 16n) | (1n << 29n)); // VIEW_CHANNEL, SEND_MESSAGES, READ_MESSAGE_HISTORY, MANAGE_WEBHOOKS
    expect((await call('POST', `/oauth2/authorize?client_id=${appId}&scope=bot`, alice, { guild_id: guildId, permissions, authorize: true })).status).toBe(200);

    const bot = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildWebhooks], rest: { api } });
    client = bot;
    const available = new Promise<Guild>((resolve) => bot.on(Events.GuildAvailable, (g) => g.id === guildId && resolve(g)));
    const webhooksUpdate = new Promise<string>((resolve) => bot.on(Events.WebhooksUpdate, (channel) => resolve(channel.id)));
    await bot.login(botToken);
    const guild = await available;
    const channel = guild.channels.cache.get(channelId) as TextChannel;

    const webhook = await channel.createWebhook({ name: 'Deploys' });
    expect(webhook.token).toMatch(/^[\w-]{68}$/);
    expect(await webhooksUpdate).toBe(channelId);
    expect((await channel.fetchWebhooks()).map((w) => w.name)).toEqual(['Deploys']);

    const arrived = new Promise<Message>((resolve) => bot.on(Events.MessageCreate, (m) => m.webhookId === webhook.id && resolve(m)));
    hook = new WebhookClient({ id: webhook.id, token: webhook.token! }, { rest: { api } });
    const sent = await hook.send({ content: 'build passed', username: 'CI' });
    expect(sent.webhook_id).toBe(webhook.id);
    const message = await arrived;
    expect(message.content).toBe('build passed');
    expect(message.author.username).toBe('CI');
    expect(message.author.bot).toBe(true);
    const edited = await hook.editMessage(sent.id, { content: 'build passed (edited)' });
    expect(edited.content).toBe('build passed (edited)');
    await hook.deleteMessage(sent.id);
    await webhook.delete();
    expect((await channel.fetchWebhooks()).size).toBe(0);
  }, 60_000);
});
