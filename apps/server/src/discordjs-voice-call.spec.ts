/**
 * Issue 6, done when: "two discord.js bots with unmodified @discordjs/voice
 * join the same voice channel through the gateway; one plays a generated
 * tone, the other receives it, decodes it and finds the same frequency; a
 * third bot in another channel and a deafened one receive nothing; in both
 * encryption modes."
 *
 * The whole server runs in this process (every module, SQLite in memory,
 * ports 0), once per mode with CHAT_VOICE_MODES offering only that mode.
 * Four discord.js v14 bots join with joinVoiceChannel (op 4 -> gateway ->
 * guild actor -> AllocateServer -> VOICE_SERVER_UPDATE -> voice WSS -> UDP).
 * Each mode plays its own frequency (440 Hz, 660 Hz), so a run that heard
 * the other mode's tone cannot pass.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'discord.js';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type VoiceConnection,
} from '@discordjs/voice';
import { startServer, type RunningServer } from '@chat/modules';
import { voiceV1 } from '@chat/proto';
import { createServiceClient } from '@chat/rpc';
import { estimateTone, FRAME_SAMPLES, monoDecoder, toneFrames } from '@chat/voice/testing';
import { allModules } from './modules';
import { clientEncryptionMode, countDatagrams, createVoiceGuild, loginBot, readMetric, receivedVoicePackets } from './testing/voice-bots';
import { EPHEMERAL_PORTS } from './testing/ephemeral-ports';

const FRAMES = 100; // 2 s of 20 ms frames
const MODES = [
  { mode: 'aead_aes256_gcm_rtpsize', toneHz: 440 },
  { mode: 'aead_xchacha20_poly1305_rtpsize', toneHz: 660 },
] as const;

let server: RunningServer | undefined;
const clients: Client[] = [];
const connections: VoiceConnection[] = [];
const rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await server?.shutdown('test');
  server = undefined;
  if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
});

/** Resolves with `promise`, or rejects with `what()` after `ms` (a guard against hanging, not an assertion by waiting). */
function within<T>(ms: number, what: () => string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('two unmodified discord.js bots in a voice call through the gateway', () => {
  for (const { mode, toneHz } of MODES) {
    it(`${mode}: the listener hears the speaker's ${toneHz} Hz tone; a bot in another channel and a deafened bot receive nothing`, async () => {
      // @discordjs/voice dials wss:// with no TLS options and the voice module's certificate is self-signed:
      // trust it by turning verification off in this process for this test only (restored in afterEach),
      // as discordjs-voice.process.spec.ts does. (NODE_EXTRA_CA_CERTS would need a child process: Node reads it at start-up.)
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      server = await startServer({
        definitions: allModules,
        argv: [],
        handleSignals: false,
        env: {
          ...process.env,
          ...EPHEMERAL_PORTS,
          CHAT_SQLITE_PATH: ':memory:', CHAT_LOG_LEVEL: 'error', CHAT_VOICE_MODES: mode,
        },
      });
      const api = server.endpoints.api!;
      const setup = await createVoiceGuild(api, ['Lounge', 'Elsewhere'], ['speaker', 'listener', 'other-channel', 'deafened']);
      const { guildId } = setup;
      const lounge = setup.channels.Lounge!;
      const elsewhereChannel = setup.channels.Elsewhere!;
      const [speakerBot, listenerBot, otherBot, deafenedBot] = setup.bots as [typeof setup.bots[0], typeof setup.bots[0], typeof setup.bots[0], typeof setup.bots[0]];
      const logins = await Promise.all(setup.bots.map((bot) => loginBot(api, bot, guildId)));
      clients.push(...logins.map((login) => login.client));

      // One process, four bots: a distinct group per bot keeps @discordjs/voice's connections apart.
      const join = (index: number, channelId: string, selfDeaf: boolean) => {
        const bot = setup.bots[index]!;
        const connection = joinVoiceChannel({ channelId, guildId, group: bot.userId, selfDeaf, selfMute: false, debug: true, adapterCreator: logins[index]!.guild.voiceAdapterCreator });
        connections.push(connection);
        return { connection, packets: receivedVoicePackets(connection) };
      };
      const listener = join(1, lounge, false);
      const other = join(2, elsewhereChannel, false);
      const deafened = join(3, lounge, true);
      await Promise.all([listener, other, deafened].map(({ connection }) => entersState(connection, VoiceConnectionStatus.Ready, 30_000)));
      const speaker = join(0, lounge, false);
      await entersState(speaker.connection, VoiceConnectionStatus.Ready, 30_000);

      // The voice gateway offered only this mode (READY, op 2) and agreed to it (SESSION_DESCRIPTION, op 4); the clients use it.
      for (const joined of [speaker, listener, other, deafened]) {
        expect(joined.packets.find((p) => p.op === 2)?.d.modes).toEqual([mode]);
        expect(joined.packets.find((p) => p.op === 4)?.d.mode).toBe(mode);
        expect(clientEncryptionMode(joined.connection)).toBe(mode);
      }
      // The guild knows the deafened bot is self-deafened; the voice service has it deafened in the call.
      expect(logins[3]!.guild.members.me?.voice).toMatchObject({ channelId: lounge, selfDeaf: true });
      const voice = createServiceClient(voiceV1.VoiceServiceService, server.endpoints.grpc!, { defaultTimeoutMs: 5000 });
      try {
        const call = await voice.getCall({ guildId, channelId: lounge });
        expect(call.participants.map((p) => [p.userId, p.connected, p.deafened]).sort()).toEqual(
          [[listenerBot.userId, true, false], [deafenedBot.userId, true, true], [speakerBot.userId, true, false]].sort(),
        );
        expect((await voice.getCall({ guildId, channelId: elsewhereChannel })).participants.map((p) => p.userId)).toEqual([otherBot.userId]);
      } finally {
        voice.close();
      }

      // Everyone who could receive listens to the speaker: the datagrams on each UDP socket and the decoded stream.
      const datagrams = { listener: countDatagrams(listener.connection), other: countDatagrams(other.connection), deafened: countDatagrams(deafened.connection) };
      const strayPackets = { other: 0, deafened: 0 };
      other.connection.receiver.subscribe(speakerBot.userId, { end: { behavior: EndBehaviorType.Manual } }).on('data', () => (strayPackets.other += 1));
      deafened.connection.receiver.subscribe(speakerBot.userId, { end: { behavior: EndBehaviorType.Manual } }).on('data', () => (strayPackets.deafened += 1));
      const decoder = monoDecoder();
      let heard = 0;
      const stream = listener.connection.receiver.subscribe(speakerBot.userId, { end: { behavior: EndBehaviorType.AfterSilence, duration: 400 } });
      stream.on('data', (packet: Buffer) => {
        heard += 1;
        decoder.push(packet);
      });
      const ended = once(stream, 'end');
      const forwardedBefore = await readMetric(server.endpoints.ops!, 'chat_voice_packets_forwarded');

      const player = createAudioPlayer();
      speaker.connection.subscribe(player);
      player.play(createAudioResource(Readable.from(toneFrames(toneHz, FRAMES)), { inputType: StreamType.Opus }));
      await entersState(player, AudioPlayerStatus.Playing, 5000);
      await entersState(player, AudioPlayerStatus.Idle, 20_000);
      // The listener's stream ends 400 ms after the last packet it got: by then everything the speaker sent was forwarded.
      await within(15_000, () => `the listener's stream to end (${heard} packets heard)`, ended);
      const forwarded = (await readMetric(server.endpoints.ops!, 'chat_voice_packets_forwarded')) - forwardedBefore;

      // Skip the decoder's first and last frames; analyse the steady tone (Goertzel over 200..1000 Hz in 2 Hz steps).
      const tone = estimateTone(decoder.samples.slice(FRAME_SAMPLES * 5, FRAME_SAMPLES * (FRAMES - 5)), { stepHz: 2 });
      decoder.delete();
      expect(heard).toBeGreaterThanOrEqual(FRAMES - 10);
      expect(Math.abs(tone.peakHz - toneHz)).toBeLessThanOrEqual(4);
      expect(Math.abs(tone.zeroCrossingHz - toneHz)).toBeLessThanOrEqual(4);
      // Nothing reached the other channel's bot or the deafened bot, and the server forwarded only to the listener.
      expect(datagrams.listener.count).toBeGreaterThanOrEqual(heard);
      expect(strayPackets).toEqual({ other: 0, deafened: 0 });
      expect({ other: datagrams.other.count, deafened: datagrams.deafened.count }).toEqual({ other: 0, deafened: 0 });
      expect(forwarded).toBe(datagrams.listener.count);
    }, 180_000);
  }
});
