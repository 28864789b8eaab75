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

  it('a deafened browser gets nothing; RevokeSession closes it with 4014 and closes its PeerConnection', async () => {
    const { browser } = await joinBrowser(BROWSER, 'deaf-browser');
    await browser.connect();
    const discord = await joinUdp(DISCORD, 'deaf-udp');
    node.allocator.update(GUILD, CALL, BROWSER, { mute: false, deaf: false, selfMute: false, selfDeaf: true });
    const receivedBefore = node.media.counters().packetsReceived;
    for (const frame of toneFrames(UDP_TONE_HZ, 10)) discord.udp.sendOpus(frame);
    await vi.waitFor(() => expect(node.media.counters().packetsReceived - receivedBefore).toBeGreaterThanOrEqual(10), { timeout: 3000, interval: 20 });
    expect(browser.received).toEqual([]);
    const peerClose = vi.spyOn(WebRtcPeer.prototype, 'close');
    expect(node.allocator.revoke(GUILD, BROWSER, 'deaf-browser')).toBe(1);
    expect((await browser.closed).code).toBe(VoiceClose.Disconnected);
    expect(peerClose).toHaveBeenCalledTimes(1);
    peerClose.mockRestore();
    expect(node.allocator.describe(GUILD, CALL).filter((p) => p.userId === BROWSER)).toEqual([]);
  }, 30_000);
});

/** A fresh socket that sends `steps` in order; resolves with every signal it got and how it closed. */
async function misbehave(...steps: Array<(browser: BrowserPeer) => void | Promise<void>>) {
  const browser = await openBrowser();
  for (const step of steps) await step(browser);
  const closed = await browser.closed;
  return { closed, errors: browser.signals.filter((signal) => signal.op === 'error') };
}

/** A step that allocates a seat when it runs and identifies with its token. */
function identifyWithFreshToken(userId: string, sessionId: string) {
  return (browser: BrowserPeer) => {
    const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CALL, userId, sessionId });
    browser.send({ op: 'identify', server_id: GUILD, user_id: userId, session_id: sessionId, token });
  };
}

/** xorshift32: the same "random" frames on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

describe('WebRTC signalling: bad input closes with a clear error, never a crash', () => {
  const cases: Array<[string, Array<(b: BrowserPeer) => void | Promise<void>>, number, RegExp]> = [
    ['garbage text', [(b) => b.send('{"op": "identify", nope', true)], VoiceClose.FailedToDecode, /not JSON/],
    ['a binary frame', [(b) => b.ws.send(Buffer.from([1, 2, 3]))], VoiceClose.FailedToDecode, /binary/],
    ['an unknown op', [(b) => b.send({ op: 'dance' })], VoiceClose.FailedToDecode, /bad message: op/],
    ['a JSON array', [(b) => b.send([1, 2])], VoiceClose.FailedToDecode, /bad message/],
    ['a frame over 32 KiB', [(b) => b.send({ op: 'offer', sdp: 'x'.repeat(40_000) })], VoiceClose.FailedToDecode, /longer than/],
    ['an offer before identify', [(b) => b.send({ op: 'offer', sdp: 'v=0' })], VoiceClose.NotAuthenticated, /offer before identify/],
    ['leave before identify', [(b) => b.send({ op: 'leave' })], VoiceClose.NotAuthenticated, /leave before identify/],
    ['a wrong token', [(b) => b.send({ op: 'identify', server_id: GUILD, user_id: BROWSER, session_id: 'x', token: 'not-a-token' })], VoiceClose.AuthenticationFailed, /unknown token/],
    ['ids that are not snowflakes', [(b) => b.send({ op: 'identify', server_id: 'guild', user_id: BROWSER, session_id: 'x', token: 't' })], VoiceClose.AuthenticationFailed, /snowflakes/],
    ['SDP garbage', [identifyWithFreshToken(BROWSER, 'bad-sdp'), (b) => b.send({ op: 'offer', sdp: 'hello\r\nworld' })], VoiceClose.FailedToDecode, /no audio m-line/],
    [
      'an offer without Opus',
      [identifyWithFreshToken(BROWSER, 'pcmu'), async (b) => b.send({ op: 'offer', sdp: await BrowserPeer.offerSdp('audio/PCMU') })],
      VoiceClose.FailedToDecode,
      /Opus/,
    ],
    ['a candidate before the offer', [identifyWithFreshToken(BROWSER, 'cand'), (b) => b.send({ op: 'candidate', candidate: { candidate: 'x' } })], VoiceClose.FailedToDecode, /candidate before offer/],
    [
      'a garbage candidate after the offer',
      [identifyWithFreshToken(BROWSER, 'cand-2'), async (b) => b.send({ op: 'offer', sdp: await BrowserPeer.offerSdp() }), (b) => b.send({ op: 'candidate', candidate: { candidate: 'x', sdpMid: '0' } })],
      VoiceClose.FailedToDecode,
      /bad ICE candidate/,
    ],
    ['identify twice', [identifyWithFreshToken(BROWSER, 'twice'), identifyWithFreshToken(BROWSER, 'twice-2')], VoiceClose.AlreadyAuthenticated, /already identified/],
    [
      'a second offer',
      [identifyWithFreshToken(BROWSER, 'reoffer'), async (b) => b.send({ op: 'offer', sdp: await BrowserPeer.offerSdp() }), (b) => b.send({ op: 'offer', sdp: 'v=0' })],
      VoiceClose.FailedToDecode,
      /renegotiation/,
    ],
  ];

  for (const [name, steps, code, message] of cases) {
    it(`${name}: error ${code} and close ${code}`, async () => {
      const { closed, errors } = await misbehave(...steps);
      expect(closed.code).toBe(code);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code });
      expect(String(errors[0]?.message)).toMatch(message);
    });
  }

  it('a bad session frees its seat: after bad SDP the user is not in the call', async () => {
    await misbehave(identifyWithFreshToken(BROWSER, 'seat'), (b) => b.send({ op: 'offer', sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' }));
    expect(node.allocator.describe(GUILD, CALL).filter((p) => p.sessionId === 'seat')).toEqual([]);
  });

  it('150 sockets of seeded random frames each close with a protocol code; then a fresh browser joins and hears a tone', async () => {
    const random = seeded(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const junkValue = () => pick<unknown>([null, 0, -1, 1e308, '', 'x'.repeat(Math.floor(random() * 300)), [], {}, true, { nested: [1] }]);
    const closes: number[] = [];
    for (let i = 0; i < 150; i += 1) {
      const browser = await openBrowser();
      const frames = 1 + Math.floor(random() * 4);
      for (let f = 0; f < frames; f += 1) {
        const kind = random();
        if (kind < 0.2) browser.ws.send(Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))), { binary: random() < 0.5 });
        else if (kind < 0.4) browser.send(JSON.stringify({ op: pick(['identify', 'offer']) }).slice(0, Math.floor(random() * 20)), true);
        else {
          const message: Record<string, unknown> = { op: pick(['identify', 'offer', 'candidate', 'leave', 'heartbeat', 'ready', 7, null]) };
          for (const field of ['server_id', 'user_id', 'session_id', 'token', 'sdp', 'candidate', 'nonce']) if (random() < 0.5) message[field] = junkValue();
          if (random() < 0.3) Object.assign(message, { server_id: GUILD, user_id: BROWSER, session_id: 'fuzz', token: 'fuzz-token' });
          browser.send(message);
        }
      }
      // Anything still open after its frames (a valid heartbeat) is closed by the client.
      const closed = await Promise.race([browser.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]);
      if (closed === null) {
        browser.ws.close(1000);
        closes.push(1000);
      } else closes.push(closed.code);
    }
    // 1007 is ws itself refusing a text frame that is not UTF-8, before our handler sees it.
    expect(closes.filter((code) => ![1000, 1007, 4002, 4003, 4004].includes(code))).toEqual([]);
    expect(closes.filter((code) => code === 4002).length).toBeGreaterThan(50);

    // The node still works: a fresh browser joins, connects and hears a UDP peer.
    const { browser } = await joinBrowser(BROWSER, 'after-fuzz');
    await browser.connect();
    const discord = await joinUdp(DISCORD, 'after-fuzz-udp');
    for (const frame of toneFrames(UDP_TONE_HZ, 30)) {
      discord.udp.sendOpus(frame);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await vi.waitFor(() => expect(browser.received.length).toBeGreaterThanOrEqual(28), { timeout: 5000, interval: 50 });
    expect(Math.abs(toneOf(browser.received.map((rtp) => rtp.payload)).peakHz - UDP_TONE_HZ)).toBeLessThanOrEqual(10);
  }, 120_000);
});
