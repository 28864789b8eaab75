/**
 * A werift PeerConnection standing in for a browser joins a call through
 * `wss://<endpoint>/webrtc`, next to a Discord-protocol UDP peer (the voice
 * gateway driven by the scripted client, media by the media layer's UDP test
 * client). Each plays a tone at its own frequency; each must hear the other's.
 */
import { readFile } from 'node:fs/promises';
import { silentLogger } from '@chat/observability';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ScriptedVoiceClient } from '../gateway/testing/scripted-voice-client';
import { VoiceClose, VoiceOp } from '../gateway/voice-opcodes';
import { startVoiceNode, type VoiceNode } from '../gateway/voice-node';
import { UdpTestClient } from '../media/testing/udp-test-client';
import { estimateTone, FRAME_SAMPLES, monoDecoder, toneFrames } from '../testing';
import { BrowserPeer } from './testing/browser-peer';
import { WebRtcPeer } from './webrtc-peer';

const GUILD = '100000000000000001';
const CALL = '100000000000000010';
const BROWSER = '200000000000000001';
const DISCORD = '200000000000000002';
const MODE = 'aead_aes256_gcm_rtpsize';
const UDP_TONE_HZ = 440;
const BROWSER_TONE_HZ = 660;
const FRAMES = 60;

let node: VoiceNode;
let ca: Buffer;
const browsers: BrowserPeer[] = [];
const scripted: ScriptedVoiceClient[] = [];
const udps: UdpTestClient[] = [];

beforeAll(async () => {
  node = await startVoiceNode({
    nodeId: 'voice-webrtc-test',
    host: '127.0.0.1',
    publicHost: '',
    wsPort: 0,
    udpPort: 0,
    tlsCert: '',
    tlsKey: '',
    tokenTtlMs: 60_000,
    modes: [MODE],
    logger: silentLogger(),
    heartbeatIntervalMs: 10_000,
    webrtcIceHosts: ['127.0.0.1'],
  });
  ca = await readFile(node.certPath);
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  for (const client of scripted) client.close();
  for (const udp of udps) await udp.close();
  await node.close();
});

async function openBrowser(): Promise<BrowserPeer> {
  const browser = await BrowserPeer.open(node.endpoint, ca);
  browsers.push(browser);
  return browser;
}

/** A browser that identified with a fresh token; resolves with its READY. */
async function joinBrowser(userId: string, sessionId: string) {
  const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CALL, userId, sessionId });
  const browser = await openBrowser();
  browser.send({ op: 'identify', server_id: GUILD, user_id: userId, session_id: sessionId, token });
  const ready = await browser.next('ready');
  return { browser, ready: ready as unknown as { ssrc: number; users: Array<{ user_id: string; ssrc: number }> } };
}

/** A Discord-protocol peer: IDENTIFY on the voice gateway, IP discovery, SELECT_PROTOCOL, the session key on its UDP client. */
async function joinUdp(userId: string, sessionId: string) {
  const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CALL, userId, sessionId });
  const client = await ScriptedVoiceClient.open(node.endpoint, ca, 8);
  scripted.push(client);
  client.send(VoiceOp.Identify, { server_id: GUILD, user_id: userId, session_id: sessionId, token, max_dave_protocol_version: 0 });
  const ready = (await client.next(VoiceOp.Ready)).d as { ssrc: number; ip: string; port: number };
  const udp = await UdpTestClient.open(ready.ssrc, { address: ready.ip, port: ready.port });
  udps.push(udp);
  const seen = await udp.discover();
  client.send(VoiceOp.SelectProtocol, { protocol: 'udp', data: { address: seen.address, port: seen.port, mode: MODE } });
  const description = (await client.next(VoiceOp.SessionDescription)).d as { mode: string; secret_key: number[] };
  udp.startSession(MODE, Uint8Array.from(description.secret_key));
  return { client, udp, ssrc: ready.ssrc };
}

/** Decodes Opus packets and estimates the tone, skipping the decoder's first frames. */
function toneOf(packets: readonly Buffer[]) {
  const decoder = monoDecoder();
  for (const packet of packets) decoder.push(packet);
  decoder.delete();
  return { ...estimateTone(decoder.samples.slice(FRAME_SAMPLES * 3)), packets: packets.length };
}

describe('WebRTC signalling: a browser and a UDP peer in one call', () => {
  it('each hears the other at its own frequency; speaking notices, mute and leave apply', async () => {
    const { browser, ready } = await joinBrowser(BROWSER, 'browser-1');
    expect(ready.ssrc).toBeGreaterThan(0);
    expect(ready.users).toEqual([]);
    await browser.connect();
    expect(browser.connectionState).toBe('connected');

    const discord = await joinUdp(DISCORD, 'discord-1');
    // Each side learns the other's ssrc -> user mapping, as Discord clients do.
    expect((await discord.client.next(VoiceOp.Speaking)).d).toEqual({ user_id: BROWSER, ssrc: ready.ssrc, speaking: 0 });
    expect(await browser.next('clients_connect')).toEqual({ op: 'clients_connect', user_ids: [DISCORD] });
    expect(await browser.next('speaking')).toEqual({ op: 'speaking', user_id: DISCORD, ssrc: discord.ssrc, speaking: false });

    // UDP -> browser: 440 Hz, renumbered onto the browser's track with the speaker's ssrc as CSRC.
    const speakingFrom = browser.signals.length;
    discord.client.send(VoiceOp.Speaking, { speaking: 1, delay: 0, ssrc: discord.ssrc });
    expect(await browser.next('speaking', { from: speakingFrom })).toEqual({ op: 'speaking', user_id: DISCORD, ssrc: discord.ssrc, speaking: true });
    for (const frame of toneFrames(UDP_TONE_HZ, FRAMES)) {
      discord.udp.sendOpus(frame);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await vi.waitFor(() => expect(browser.received.length).toBeGreaterThanOrEqual(FRAMES - 2), { timeout: 5000, interval: 50 });
    const heardByBrowser = toneOf(browser.received.map((rtp) => rtp.payload));
    expect(Math.abs(heardByBrowser.peakHz - UDP_TONE_HZ)).toBeLessThanOrEqual(10);
    expect(Math.abs(heardByBrowser.zeroCrossingHz - UDP_TONE_HZ)).toBeLessThan(15);
    expect(browser.received.every((rtp) => rtp.csrc.length === 1 && rtp.csrc[0] === discord.ssrc)).toBe(true);
    for (let i = 1; i < browser.received.length; i += 1) {
      const [previous, current] = [browser.received[i - 1]!, browser.received[i]!];
      expect((current.sequence - previous.sequence) & 0xffff).toBe(1);
      expect((current.timestamp - previous.timestamp) >>> 0).toBe(960);
    }

    // Browser -> UDP: 660 Hz under the browser's ssrc; the UDP peer is told it speaks.
    const udpSpeakingFrom = discord.client.frames.length;
    const heard: Buffer[] = [];
    const collecting = (async () => {
      while (heard.length < FRAMES - 2) {
        const frame = await discord.udp.nextFrame(3000);
        if (frame.ssrc === ready.ssrc) heard.push(Buffer.from(frame.opus));
      }
    })();
    await browser.play(toneFrames(BROWSER_TONE_HZ, FRAMES), 10);
    await collecting;
    const heardByUdp = toneOf(heard);
    expect(Math.abs(heardByUdp.peakHz - BROWSER_TONE_HZ)).toBeLessThanOrEqual(10);
    expect(Math.abs(heardByUdp.zeroCrossingHz - BROWSER_TONE_HZ)).toBeLessThan(15);
    expect((await discord.client.next(VoiceOp.Speaking, { from: udpSpeakingFrom })).d).toEqual({ user_id: BROWSER, ssrc: ready.ssrc, speaking: 1 });
    expect((await discord.client.next(VoiceOp.Speaking, { from: udpSpeakingFrom + 1 })).d).toEqual({ user_id: BROWSER, ssrc: ready.ssrc, speaking: 0 });

    // Server mute (UpdateParticipant) applies to the browser's sink peer like to a UDP peer.
    while (discord.udp.pending() > 0) await discord.udp.nextPacket();
    node.allocator.update(GUILD, CALL, BROWSER, { mute: true, deaf: false, selfMute: false, selfDeaf: false });
    const mutedBefore = node.media.counters().droppedMuted;
    await browser.play(toneFrames(BROWSER_TONE_HZ, 10), 5);
    await vi.waitFor(() => expect(node.media.counters().droppedMuted - mutedBefore).toBeGreaterThanOrEqual(10), { timeout: 3000, interval: 20 });
    expect(discord.udp.pending()).toBe(0);
    expect(node.allocator.describe(GUILD, CALL).find((p) => p.userId === BROWSER)).toMatchObject({ muted: true, connected: true, ssrc: ready.ssrc });

    // Leave: the socket closes 1000, the UDP peer gets CLIENT_DISCONNECT, the seat goes.
    const disconnectFrom = discord.client.frames.length;
    // werift sends no DTLS close alert, so the browser side would only notice by ICE consent (30 s): watch the server side close instead.
    const peerClose = vi.spyOn(WebRtcPeer.prototype, 'close');
    browser.send({ op: 'leave' });
    expect((await browser.closed).code).toBe(1000);
    expect((await discord.client.next(VoiceOp.ClientDisconnect, { from: disconnectFrom })).d).toEqual({ user_id: BROWSER });
    expect(node.allocator.describe(GUILD, CALL).map((p) => p.userId)).toEqual([DISCORD]);
    expect(peerClose).toHaveBeenCalledTimes(1);
    await peerClose.mock.results[0]?.value;
    peerClose.mockRestore();
  }, 60_000);
});
