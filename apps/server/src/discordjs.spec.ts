/**
 * Issue 4's first "Done when": an unmodified discord.js v14 bot, configured
 * only with `rest: { api }` pointing at this server, logs in, sees its guild
 * available, sends, edits, deletes and fetches messages, and receives a
 * MESSAGE_CREATE posted by a human user over REST; the REST API stores the
 * messages through the data service over gRPC. The whole binary runs in
 * this process (every module, SQLite in memory, ports 0).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type Guild, type Message, type TextChannel } from 'discord.js';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await server?.shutdown('test');
  server = undefined;
});

/** Resolves with the first value `listen` hands to `done`, or rejects after `ms`. */
function within<T>(ms: number, what: string, listen: (done: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    listen((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('an unmodified discord.js v14 bot', () => {
  it('logs in, sees its guild, sends, edits, deletes and fetches messages, and receives another user\'s message', async () => {
    server = await startInProcessServer();
    const apiBase = server.endpoints.api;
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(apiBase, method, path, token, body);

    const alice = await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' });
    expect(alice.status).toBe(201);
    const aliceToken = alice.body.token as string;
    const guild = await call('POST', '/guilds', aliceToken, { name: 'Home' });
    expect(guild.status).toBe(201);
    const guildId = guild.body.id as string;
    const channels = await call('GET', `/guilds/${guildId}/channels`, aliceToken);
    const channelId = channels.body[0].id as string;
    const app = await call('POST', '/applications', aliceToken, { name: 'Helper' });
    expect(app.status).toBeLessThan(300);
    const bot = await call('POST', `/applications/${app.body.id as string}/bot`, aliceToken);
    expect(bot.status).toBeLessThan(300);
    const botToken = bot.body.token as string;
    const botUserId = bot.body.user.id as string;
    const permissions = String((1n << 10n) | (1n << 11n) | (1n << 13n) | (1n << 16n)); // VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, READ_MESSAGE_HISTORY
    const authorized = await call('POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, aliceToken, { guild_id: guildId, permissions, authorize: true });
    expect(authorized.status).toBe(200);

    // The system under test from here on: discord.js with only the REST base changed.
    const bot$ = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${apiBase}` },
    });
    client = bot$;
    // A guild listed in READY arrives as GUILD_CREATE: discord.js emits guildAvailable for it.
    const available = within<Guild>(20_000, 'the guild to become available', (done) => {
      bot$.on(Events.GuildAvailable, (g) => {
        if (g.id === guildId) done(g);
      });
    });
    const ready = within<Client<true>>(20_000, 'ready', (done) => bot$.once(Events.ClientReady, done));
    await bot$.login(botToken);
    const readyClient = await ready;
    expect(readyClient.user.id).toBe(botUserId);
    const seen = await available;
    expect(seen.name).toBe('Home');
    expect(bot$.guilds.cache.get(guildId)?.available).toBe(true);

    const channel = seen.channels.cache.get(channelId) as TextChannel | undefined;
    expect(channel?.isTextBased()).toBe(true);
    const sent = await channel!.send('hello from discord.js');
    expect(sent.content).toBe('hello from discord.js');
    expect(sent.author.id).toBe(botUserId);
    const edited = await sent.edit('edited by discord.js');
    expect(edited.content).toBe('edited by discord.js');
    expect(edited.editedTimestamp).not.toBeNull();

    const doomed = await channel!.send('short-lived');
    await doomed.delete();
    const fetched = await channel!.messages.fetch({ limit: 50 });
    expect(fetched.has(sent.id)).toBe(true);
    expect(fetched.get(sent.id)?.content).toBe('edited by discord.js');
    expect(fetched.has(doomed.id)).toBe(false);
    const single = await channel!.messages.fetch({ message: sent.id, force: true });
    expect(single.content).toBe('edited by discord.js');

    const fromAlice = within<Message>(10_000, "alice's MESSAGE_CREATE", (done) => {
      bot$.on(Events.MessageCreate, (m) => {
        if (m.author.id !== botUserId) done(m);
      });
    });
    const posted = await call('POST', `/channels/${channelId}/messages`, aliceToken, { content: 'hi bot' });
    expect(posted.status).toBe(200);
    const received = await fromAlice;
    expect(received.id).toBe(posted.body.id);
    expect(received.content).toBe('hi bot');
    expect(received.channelId).toBe(channelId);
    expect(received.guildId).toBe(guildId);

    // The REST API stored those messages through the data service (gRPC), not the store directly.
    const metrics = await (await fetch(`${server.endpoints.ops}/metrics`)).text();
    const requests = (method: string) => Number(new RegExp(`^chat_data_requests_total\\{method="${method}"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(requests('CreateMessage')).toBe(3);
    expect(requests('EditMessage')).toBe(1);
    expect(requests('DeleteMessage')).toBe(1);
  }, 60_000);
});
