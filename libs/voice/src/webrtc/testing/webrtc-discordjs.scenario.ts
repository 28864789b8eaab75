/**
 * Run as a child process with NODE_EXTRA_CA_CERTS pointing at the voice
 * gateway's certificate (@discordjs/voice dials wss:// without TLS options).
 * Starts a voice node on that certificate; a werift "browser" joins through
 * `/webrtc`, then an unmodified @discordjs/voice 0.18 connection joins the
 * same call through a hand-fed adapter. The Discord client plays 440 Hz, the
 * browser 660 Hz; prints one JSON line with what each heard. Environment:
 * VOICE_CERT, VOICE_KEY.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
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
} from '@discordjs/voice';
import { startVoiceNode, type VoiceNode } from '../../gateway/voice-node';
import { estimateTone, FRAME_SAMPLES, monoDecoder, toneFrames } from '../../testing';
import { BrowserPeer } from './browser-peer';

const GUILD = '100000000000000001';
const CALL = '100000000000000010';
const BROWSER = '200000000000000001';
const DISCORD = '200000000000000002';
const DISCORD_HZ = 440;
const BROWSER_HZ = 660;
const FRAMES = 75;
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/** Stands in for the main gateway and the guild service: op 4 -> AllocateServer -> the two voice dispatches. */
function handFedAdapter(node: VoiceNode, userId: string, sessionId: string): DiscordGatewayAdapterCreator {
  return (library) => ({
    sendPayload(payload) {
      const d = payload.d as { guild_id: string; channel_id: string | null; self_mute: boolean; self_deaf: boolean };
      setImmediate(() => {
        if (d.channel_id === null) return void node.allocator.revoke(d.guild_id, userId, sessionId);
        const { token, endpoint } = node.allocator.allocate({ guildId: d.guild_id, channelId: d.channel_id, userId, sessionId });
        const state = { guild_id: d.guild_id, channel_id: d.channel_id, user_id: userId, session_id: sessionId, deaf: false, mute: false, self_deaf: d.self_deaf, self_mute: d.self_mute };
        library.onVoiceStateUpdate(state as never);
        library.onVoiceServerUpdate({ token, guild_id: d.guild_id, endpoint });
      });
      return true;
    },
    destroy: () => undefined,
  });
}

function decodedTone(packets: readonly Buffer[]) {
  const decoder = monoDecoder();
  for (const packet of packets) decoder.push(packet);
  decoder.delete();
  return { packets: packets.length, ...estimateTone(decoder.samples.slice(FRAME_SAMPLES * 3)) };
}

async function main(): Promise<void> {
  const node = await startVoiceNode({
    nodeId: 'voice-webrtc-djs',
    host: '127.0.0.1',
    publicHost: '',
    wsPort: 0,
    udpPort: 0,
    tlsCert: process.env.VOICE_CERT ?? '',
    tlsKey: process.env.VOICE_KEY ?? '',
    tokenTtlMs: 60_000,
    modes: ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'],
    logger: silentLogger(),
    heartbeatIntervalMs: 5000,
    webrtcIceHosts: ['127.0.0.1'],
  });
  const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CALL, userId: BROWSER, sessionId: 'browser' });
  const browser = await BrowserPeer.open(node.endpoint, await readFile(node.certPath));
  browser.send({ op: 'identify', server_id: GUILD, user_id: BROWSER, session_id: 'browser', token });
  const ready = (await browser.next('ready')) as unknown as { ssrc: number };
  await browser.connect();

  const discord = joinVoiceChannel({ guildId: GUILD, channelId: CALL, group: DISCORD, selfDeaf: false, selfMute: false, adapterCreator: handFedAdapter(node, DISCORD, 'discord') });
  await entersState(discord, VoiceConnectionStatus.Ready, 10_000);
  const discordSsrc = Number((await browser.next('speaking')).ssrc);

  // Discord -> browser.
  const player = createAudioPlayer();
  discord.subscribe(player);
  player.play(createAudioResource(Readable.from(toneFrames(DISCORD_HZ, FRAMES)), { inputType: StreamType.Opus }));
  await entersState(player, AudioPlayerStatus.Playing, 5000);
  await entersState(player, AudioPlayerStatus.Idle, 15_000);
  const deadline = Date.now() + 3000;
  while (browser.received.length < FRAMES - 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  // @discordjs/voice ends a stream with five Opus silence frames (f8 ff fe); the tone is what came before.
  const tone = browser.received.filter((rtp) => !rtp.payload.equals(OPUS_SILENCE));
  const browserHeard = { ...decodedTone(tone.map((rtp) => rtp.payload)), silenceFrames: browser.received.length - tone.length, csrcs: [...new Set(browser.received.flatMap((rtp) => rtp.csrc))] };

  // Browser -> Discord: the receiver maps the browser's ssrc to its user from op 5.
  const packets: Buffer[] = [];
  const stream = discord.receiver.subscribe(BROWSER, { end: { behavior: EndBehaviorType.AfterSilence, duration: 400 } });
  stream.on('data', (packet: Buffer) => packets.push(packet));
  const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));
  await browser.play(toneFrames(BROWSER_HZ, FRAMES));
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
  const discordHeard = decodedTone(packets);

  const result = {
    browserSsrc: ready.ssrc,
    discordSsrc,
    browserHeard,
    discordHeard,
    ssrcOfBrowserAtDiscord: discord.receiver.ssrcMap.get(ready.ssrc)?.userId ?? null,
    participants: node.allocator.describe(GUILD, CALL).map((p) => ({ userId: p.userId, connected: p.connected, ssrc: p.ssrc })),
  };
  discord.destroy();
  await browser.close();
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
