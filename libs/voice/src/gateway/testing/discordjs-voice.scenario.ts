/**
 * Run as a child process with NODE_EXTRA_CA_CERTS pointing at the voice
 * gateway's certificate (Node reads it only at start-up, and
 * @discordjs/voice dials wss:// with no TLS options of its own). Starts a
 * voice node on that certificate, joins four unmodified @discordjs/voice
 * 0.18 connections through a hand-fed adapter and prints one JSON line with
 * what each listener got. Environment: VOICE_MODE (the only mode offered),
 * VOICE_CERT, VOICE_KEY.
 */
import { Readable } from 'node:stream';
import { loadConfig } from '@chat/config';
import { silentLogger } from '@chat/observability';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type DiscordGatewayAdapterCreator,
  type VoiceConnection,
} from '@discordjs/voice';
import { voiceConfigSchema } from '../../voice.config';
import { startVoiceNode, type VoiceNode } from '../voice-node';
import { estimateTone, FRAME_SAMPLES as FRAME, monoDecoder, toneFrames } from '../../testing';

const GUILD = '100000000000000001';
const CALL = '100000000000000010';
const ELSEWHERE = '100000000000000011';
const SPEAKER = '200000000000000001';
const LISTENER = '200000000000000002';
const OTHER_CHANNEL = '200000000000000003';
const DEAFENED = '200000000000000004';
const TONE_HZ = 440;
const FRAMES = 100;

/**
 * What the main gateway and the guild service would do, by hand: on op 4 the
 * adapter allocates a voice server and answers VOICE_STATE_UPDATE and
 * VOICE_SERVER_UPDATE; self_mute/self_deaf go to UpdateParticipant; a leave
 * (channel_id null) is RevokeSession.
 */
function adapterFor(node: VoiceNode, userId: string): DiscordGatewayAdapterCreator {
  const sessionId = `session-${userId}`;
  return (methods) => ({
    sendPayload(payload) {
      const d = payload.d as { guild_id: string; channel_id: string | null; self_mute: boolean; self_deaf: boolean };
      queueMicrotask(() => {
        if (d.channel_id === null) {
          node.allocator.revoke(d.guild_id, userId, sessionId);
          return;
        }
        const server = node.allocator.allocate({ guildId: d.guild_id, channelId: d.channel_id, userId, sessionId });
        node.allocator.update(d.guild_id, d.channel_id, userId, { mute: false, deaf: false, selfMute: d.self_mute, selfDeaf: d.self_deaf });
        methods.onVoiceStateUpdate({
          guild_id: d.guild_id, channel_id: d.channel_id, user_id: userId, session_id: sessionId,
          deaf: false, mute: false, self_deaf: d.self_deaf, self_mute: d.self_mute, self_video: false, suppress: false, request_to_speak_timestamp: null,
        } as never);
        methods.onVoiceServerUpdate({ token: server.token, guild_id: d.guild_id, endpoint: server.endpoint });
      });
      return true;
    },
    destroy() {
      // Nothing to release: the adapter holds no gateway connection.
    },
  });
}

/** Datagrams arriving at a connection's UDP socket (read from its state; the library is not changed). */
function countDatagrams(connection: VoiceConnection): { count: number } {
  const counter = { count: 0 };
  const networking = Reflect.get(connection.state, 'networking') as { state: { udp?: { socket: { on(event: 'message', listener: (b: Buffer) => void): void } } } };
  networking.state.udp?.socket.on('message', (buffer) => {
    if (buffer.length > 8) counter.count += 1;
  });
  return counter;
}

function encryptionModeOf(connection: VoiceConnection): string | undefined {
  const networking = Reflect.get(connection.state, 'networking') as { state: { connectionData?: { encryptionMode?: string } } };
  return networking.state.connectionData?.encryptionMode;
}

async function main(): Promise<void> {
  const mode = process.env.VOICE_MODE ?? 'aead_aes256_gcm_rtpsize';
  const config = loadConfig(voiceConfigSchema, {
    env: { CHAT_VOICE_MODES: mode, CHAT_VOICE_WS_PORT: '0', CHAT_VOICE_UDP_PORT: '0', CHAT_VOICE_TLS_CERT: process.env.VOICE_CERT, CHAT_VOICE_TLS_KEY: process.env.VOICE_KEY },
  });
  const node = await startVoiceNode({ ...config, logger: silentLogger(), heartbeatIntervalMs: 5000 });
  const join = (userId: string, channelId: string, selfDeaf: boolean) =>
    joinVoiceChannel({ guildId: GUILD, channelId, group: userId, selfDeaf, selfMute: false, adapterCreator: adapterFor(node, userId) });
  const listener = join(LISTENER, CALL, false);
  const elsewhere = join(OTHER_CHANNEL, ELSEWHERE, false);
  const deafened = join(DEAFENED, CALL, true);
  await Promise.all([listener, elsewhere, deafened].map((c) => entersState(c, VoiceConnectionStatus.Ready, 10_000)));
  const speaker = join(SPEAKER, CALL, false);
  await entersState(speaker, VoiceConnectionStatus.Ready, 10_000);

  const listenerGot = countDatagrams(listener);
  const elsewhereGot = countDatagrams(elsewhere);
  const deafenedGot = countDatagrams(deafened);
  const decoder = monoDecoder();
  let packets = 0;
  const stream = listener.receiver.subscribe(SPEAKER, { end: { behavior: EndBehaviorType.AfterSilence, duration: 400 } });
  stream.on('data', (packet: Buffer) => {
    packets += 1;
    decoder.push(packet);
  });
  const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));

  const player = createAudioPlayer();
  speaker.subscribe(player);
  player.play(createAudioResource(Readable.from(toneFrames(TONE_HZ, FRAMES)), { inputType: StreamType.Opus }));
  await entersState(player, AudioPlayerStatus.Playing, 5000);
  await entersState(player, AudioPlayerStatus.Idle, 15_000);
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);

  // Skip the decoder's first frames; analyse the steady tone.
  const samples = decoder.samples.slice(FRAME * 5, FRAME * (FRAMES - 5));
  const { peakHz, zeroCrossingHz } = estimateTone(samples);
  const call = node.allocator.describe(GUILD, CALL);
  const result = {
    mode,
    chosenModes: [speaker, listener].map(encryptionModeOf),
    packets,
    samples: samples.length,
    zeroCrossingHz,
    peakHz,
    listenerDatagrams: listenerGot.count,
    elsewhereDatagrams: elsewhereGot.count,
    deafenedDatagrams: deafenedGot.count,
    counters: node.media.counters(),
    participants: call.map((p) => ({ userId: p.userId, connected: p.connected, deafened: p.deafened, ssrc: p.ssrc })),
  };
  decoder.delete();
  for (const connection of [speaker, listener, elsewhere, deafened]) connection.destroy();
  await node.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
