/**
 * Helpers for voice calls between unmodified discord.js bots through the
 * whole server: a guild with voice channels and authorized bots set up over
 * REST, bot login, and what a test reads from a voice connection without
 * changing the library (UDP datagrams on its socket, the voice gateway
 * packets it logged) or from the server (its /metrics).
 */
import { Client, Events, GatewayIntentBits, type Guild } from 'discord.js';
import type { VoiceConnection } from '@discordjs/voice';
import { callApi } from './rest-api';

/** VIEW_CHANNEL | CONNECT | SPEAK. */
export const VOICE_BOT_PERMISSIONS = String((1n << 10n) | (1n << 20n) | (1n << 21n));

/** A bot user with its token. */
export interface VoiceBot {
  name: string;
  userId: string;
  token: string;
}

/** A guild with voice channels and bots, created over REST. */
export interface VoiceGuild {
  guildId: string;
  /** Voice channel ids by name. */
  channels: Record<string, string>;
  bots: VoiceBot[];
}

/** Registers an owner, creates a guild with the named voice channels (type 2) and one authorized bot per name. */
export async function createVoiceGuild(api: string, channelNames: readonly string[], botNames: readonly string[]): Promise<VoiceGuild> {
  const expectStatus = (what: string, response: { status: number; body: unknown }, status: number) => {
    if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, any>;
  };
  const owner = expectStatus('register', await callApi(api, 'POST', '/auth/register', undefined, { username: 'owner', password: 'correct horse battery', email: 'owner@example.com' }), 201);
  const token = owner.token as string;
  const guildId = expectStatus('create guild', await callApi(api, 'POST', '/guilds', token, { name: 'Voice' }), 201).id as string;
  const channels: Record<string, string> = {};
  for (const name of channelNames) {
    const created = await callApi(api, 'POST', `/guilds/${guildId}/channels`, token, { name, type: 2 });
    if (created.status >= 300 || created.body?.type !== 2) throw new Error(`create voice channel ${name}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    channels[name] = created.body.id as string;
  }
  const bots: VoiceBot[] = [];
  for (const name of botNames) {
    const app = await callApi(api, 'POST', '/applications', token, { name });
    const bot = await callApi(api, 'POST', `/applications/${app.body.id as string}/bot`, token);
    const authorize = { guild_id: guildId, permissions: VOICE_BOT_PERMISSIONS, authorize: true };
    expectStatus(`authorize ${name}`, await callApi(api, 'POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, token, authorize), 200);
    bots.push({ name, userId: bot.body.user.id as string, token: bot.body.token as string });
  }
  return { guildId, channels, bots };
}

/** Logs a discord.js client (Guilds | GuildVoiceStates) in against `api` and resolves once `guildId` is available. */
export async function loginBot(api: string, bot: VoiceBot, guildId: string): Promise<{ client: Client; guild: Guild }> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api } });
  const available = new Promise<Guild>((resolve) => client.on(Events.GuildAvailable, (guild) => guild.id === guildId && resolve(guild)));
  await client.login(bot.token);
  return { client, guild: await available };
}

/** Audio datagrams (longer than an 8-byte keepalive answer) arriving at a Ready connection's UDP socket from now on. */
export function countDatagrams(connection: VoiceConnection): { count: number } {
  const counter = { count: 0 };
  const networking = Reflect.get(connection.state, 'networking') as { state: { udp?: { socket: { on(event: 'message', listener: (b: Buffer) => void): void } } } };
  const socket = networking.state.udp?.socket;
  if (!socket) throw new Error('the connection has no UDP socket (not Ready?)');
  socket.on('message', (buffer) => {
    if (buffer.length > 8) counter.count += 1;
  });
  return counter;
}

/** The voice gateway packets a connection received, from its debug log (join with `debug: true`). */
export function receivedVoicePackets(connection: VoiceConnection): { op: number; d: any }[] {
  const packets: { op: number; d: any }[] = [];
  connection.on('debug', (message: string) => {
    const at = message.indexOf('[WS] << ');
    if (at < 0) return;
    try {
      packets.push(JSON.parse(message.slice(at + '[WS] << '.length)) as { op: number; d: any });
    } catch {
      // Not a JSON packet.
    }
  });
  return packets;
}

/** The encryption mode the connection's networking uses (its SELECT_PROTOCOL choice, answered by SESSION_DESCRIPTION). */
export function clientEncryptionMode(connection: VoiceConnection): string | undefined {
  const networking = Reflect.get(connection.state, 'networking') as { state: { connectionData?: { encryptionMode?: string } } } | undefined;
  return networking?.state.connectionData?.encryptionMode;
}

/** The value of an unlabelled-or-labelled gauge in the server's Prometheus text (/metrics on the ops port). */
export async function readMetric(opsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} is not in ${opsUrl}/metrics`);
  return Number(match[1]);
}
