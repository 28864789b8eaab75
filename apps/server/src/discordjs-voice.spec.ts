/**
 * Issue 6, the guild side: an unmodified discord.js v14 bot calls
 * @discordjs/voice's joinVoiceChannel with its guild's voiceAdapterCreator.
 * Gateway op 4 goes through the gateway to the guild actor, which allocates
 * a voice server on the voice service (AllocateServer over in-process gRPC)
 * and answers with VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE; the voice
 * connection then reaches Ready on the voice gateway (WSS with the voice
 * module's self-signed certificate, trusted for this test only).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type Guild } from 'discord.js';
import { entersState, joinVoiceChannel, VoiceConnectionStatus, type VoiceConnection } from '@discordjs/voice';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
let client: Client | undefined;
let connection: VoiceConnection | undefined;
const rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
afterEach(async () => {
  connection?.destroy();
  connection = undefined;
  await client?.destroy();
  client = undefined;
  await server?.shutdown('test');
  server = undefined;
  if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
});

describe('an unmodified discord.js v14 bot in a voice channel', () => {
  it('joins through gateway op 4, gets VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE from the guild, reaches Ready, and leaves', async () => {
    // @discordjs/voice dials wss:// with no TLS options; the voice module's certificate is self-signed.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    server = await startInProcessServer();
    const apiBase = server.endpoints.api;
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(apiBase, method, path, token, body);
    const alice = await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' });
    const aliceToken = alice.body.token as string;
    const guildId = (await call('POST', '/guilds', aliceToken, { name: 'Home' })).body.id as string;
    const voice = await call('POST', `/guilds/${guildId}/channels`, aliceToken, { name: 'Lounge', type: 2 });
    expect(voice.body).toMatchObject({ type: 2 });
    const voiceChannelId = voice.body.id as string;
    const app = await call('POST', '/applications', aliceToken, { name: 'Helper' });
    const bot = await call('POST', `/applications/${app.body.id as string}/bot`, aliceToken);
    const permissions = String((1n << 10n) | (1n << 20n) | (1n << 21n)); // VIEW_CHANNEL, CONNECT, SPEAK
    expect((await call('POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, aliceToken, { guild_id: guildId, permissions, authorize: true })).status).toBe(200);

    const bot$ = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: apiBase } });
    client = bot$;
    const raw: { t: string; d: any }[] = [];
    bot$.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
      if (packet.t?.startsWith('VOICE_')) raw.push({ t: packet.t, d: packet.d });
    });
    const available = new Promise<Guild>((resolve) => bot$.on(Events.GuildAvailable, (g) => g.id === guildId && resolve(g)));
    await bot$.login(bot.body.token as string);
    const guild = await available;

    connection = joinVoiceChannel({ channelId: voiceChannelId, guildId, adapterCreator: guild.voiceAdapterCreator, selfDeaf: false });
    await entersState(connection, VoiceConnectionStatus.Ready, 20_000);
    const joined = raw.find((p) => p.t === 'VOICE_STATE_UPDATE');
    expect(joined?.d).toMatchObject({ guild_id: guildId, channel_id: voiceChannelId, user_id: bot.body.user.id, self_deaf: false, mute: false, suppress: false });
    const serverUpdate = raw.find((p) => p.t === 'VOICE_SERVER_UPDATE');
    expect(serverUpdate?.d).toMatchObject({ guild_id: guildId, endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/), token: expect.any(String) });
    expect(guild.members.me?.voice.channelId).toBe(voiceChannelId);

    // Leaving (op 4 with channel_id null): the guild answers channel_id null and discord.js forgets the channel.
    const left = new Promise<void>((resolve) => bot$.on(Events.VoiceStateUpdate, (_old, now) => now.channelId === null && resolve()));
    connection.destroy();
    connection = undefined;
    await left;
    expect(guild.members.me?.voice.channelId ?? null).toBeNull();
  });
});
