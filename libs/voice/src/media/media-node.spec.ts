import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidRemoteError, InvalidSecretKeyError, InvalidSsrcError, SsrcInUseError, UnsupportedModeError } from './errors';
import { buildDiscoveryRequest } from './ip-discovery';
import { createMediaNode, UdpMediaNode } from './media-node';
import { sealPacket } from './transport-crypto';
import { UdpTestClient } from './testing/udp-test-client';
import type { CallMedia, EncryptionMode, MediaPeer, OpusFrame } from './types';

const SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);
const voice = (n: number): Uint8Array => new Uint8Array([0x78, n, n + 1, n + 2, n + 3]);

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function node(options: { suppressSilence?: boolean } = {}): Promise<UdpMediaNode> {
  const n = await UdpMediaNode.open({ bindHost: '127.0.0.1', port: 0, advertisedIp: '127.0.0.1', ...options });
  cleanup.push(() => n.close());
  return n;
}

interface Member {
  peer: MediaPeer;
  client: UdpTestClient;
}

async function member(n: UdpMediaNode, call: CallMedia, userId: string, mode: EncryptionMode = 'aead_aes256_gcm_rtpsize'): Promise<Member> {
  const ssrc = n.allocateSsrc();
  const peer = call.join({ userId, ssrc });
  const client = await UdpTestClient.open(ssrc, { address: '127.0.0.1', port: n.port });
  cleanup.push(() => client.close());
  expect(await client.discover()).toEqual({ ssrc, address: '127.0.0.1', port: client.port });
  expect(peer.remote).toEqual({ address: '127.0.0.1', port: client.port });
  const key = randomBytes(32);
  peer.startSession(mode, key);
  client.startSession(mode, key);
  return { peer, client };
}

describe('media node over loopback', () => {
  it('createMediaNode binds an ephemeral port and offers both modes, aes first', async () => {
    const n = await createMediaNode({ bindHost: '127.0.0.1', port: 0, advertisedIp: '203.0.113.9' });
    cleanup.push(() => n.close());
    expect(n.port).toBeGreaterThan(0);
    expect(n.ip).toBe('203.0.113.9');
    expect(n.modes).toEqual(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize']);
    const a = n.allocateSsrc();
    const b = n.allocateSsrc();
    expect(a).not.toBe(0);
    expect(a).not.toBe(b);
  });

  describe.each<[EncryptionMode, EncryptionMode]>([
    ['aead_aes256_gcm_rtpsize', 'aead_aes256_gcm_rtpsize'],
    ['aead_xchacha20_poly1305_rtpsize', 'aead_xchacha20_poly1305_rtpsize'],
    ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'],
  ])('speaker %s, listener %s', (modeA, modeB) => {
    it('two peers hear each other with the speaker ssrc, sequence and timestamp kept', async () => {
      const n = await node();
      const call = n.call('g1', 'c1');
      const a = await member(n, call, 'alice', modeA);
      const b = await member(n, call, 'bob', modeB);
      a.client.sendOpus(voice(1), { sequence: 65535, timestamp: 4_000_000_000 });
      const atB = await b.client.nextFrame();
      expect(atB).toMatchObject({ ssrc: a.peer.ssrc, sequence: 65535, timestamp: 4_000_000_000, counter: 1 });
      expect([...atB.opus]).toEqual([...voice(1)]);
      b.client.sendOpus(voice(2), { sequence: 9, timestamp: 960 });
      const atA = await a.client.nextFrame();
      expect(atA).toMatchObject({ ssrc: b.peer.ssrc, sequence: 9, timestamp: 960, counter: 1 });
      expect([...atA.opus]).toEqual([...voice(2)]);
      a.client.sendOpus(voice(3));
      expect((await b.client.nextFrame()).counter).toBe(2);
      expect(n.counters()).toMatchObject({ packetsForwarded: 3, packetsAccepted: 3, droppedUnauthenticated: 0 });
    });
  });

  it('strips the speaker extension body and forwards the bare Opus frame', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice', 'aead_xchacha20_poly1305_rtpsize');
    const b = await member(n, call, 'bob');
    a.client.sendOpus(voice(5), { extension: new Uint8Array([0x10, 1, 2, 3, 0x20, 4, 5, 6]) });
    const frame = await b.client.nextFrame();
    expect([...frame.opus]).toEqual([...voice(5)]);
  });

  it('takes CSRCs into the AAD and strips RTP padding from the payload', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    const key = randomBytes(32);
    a.peer.startSession('aead_aes256_gcm_rtpsize', key);
    const header = Buffer.alloc(16);
    header[0] = 0x80 | 0x20 | 1; // padding, one CSRC
    header[1] = 120;
    header.writeUInt16BE(321, 2);
    header.writeUInt32BE(a.peer.ssrc, 8);
    header.writeUInt32BE(0xcafe, 12);
    const plaintext = Buffer.concat([Buffer.from(voice(6)), Buffer.from([0, 0, 3])]);
    a.client.sendRaw(sealPacket('aead_aes256_gcm_rtpsize', key, header, plaintext, 1));
    const frame = await b.client.nextFrame();
    expect(frame.sequence).toBe(321);
    expect([...frame.opus]).toEqual([...voice(6)]);
  });

  it('a deafened peer gets nothing', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    const c = await member(n, call, 'carol');
    c.peer.setDeafened(true);
    for (let i = 0; i < 3; i++) a.client.sendOpus(voice(i), { sequence: i });
    for (let i = 0; i < 3; i++) expect((await b.client.nextFrame()).sequence).toBe(i);
    await vi.waitFor(() => expect(n.counters().packetsAccepted).toBe(3));
    expect(n.counters().packetsForwarded).toBe(3);
    c.peer.setDeafened(false);
    a.client.sendOpus(voice(9), { sequence: 100 });
    // carol's first packet is the one after undeafen, under her first nonce: nothing was sent before.
    expect(await c.client.nextFrame()).toMatchObject({ sequence: 100, counter: 1 });
    expect(c.client.pending()).toBe(0);
  });

  it('a muted speaker is not forwarded (droppedMuted)', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    a.peer.setMuted(true);
    a.client.sendOpus(voice(1), { sequence: 1 });
    a.client.sendOpus(voice(2), { sequence: 2 });
    await vi.waitFor(() => expect(n.counters().droppedMuted).toBe(2));
    a.peer.setMuted(false);
    a.client.sendOpus(voice(3), { sequence: 3 });
    expect(await b.client.nextFrame()).toMatchObject({ sequence: 3, counter: 1 });
    expect(n.counters()).toMatchObject({ droppedMuted: 2, packetsForwarded: 1 });
  });

  it('peers of another call never get anything', async () => {
    const n = await node();
    const one = n.call('g1', 'c1');
    const two = n.call('g1', 'c2');
    const a = await member(n, one, 'alice');
    const b = await member(n, one, 'bob');
    const d = await member(n, two, 'dave');
    const e = await member(n, two, 'erin');
    for (let i = 0; i < 4; i++) a.client.sendOpus(voice(i));
    for (let i = 0; i < 4; i++) await b.client.nextFrame();
    e.client.sendOpus(voice(7), { sequence: 77 });
    expect(await d.client.nextFrame()).toMatchObject({ ssrc: e.peer.ssrc, sequence: 77, counter: 1 });
    expect(one.peers().map((p) => p.userId)).toEqual(['alice', 'bob']);
    expect(two.peers().map((p) => p.userId)).toEqual(['dave', 'erin']);
  });

  it.each([true, false])('silence suppression %s: voice, 8 silence frames, voice', async (suppress) => {
    const n = await node({ suppressSilence: suppress });
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    a.client.sendOpus(voice(1), { sequence: 0 });
    for (let i = 1; i <= 8; i++) a.client.sendOpus(SILENCE, { sequence: i });
    a.client.sendOpus(voice(2), { sequence: 9 });
    const expected = suppress ? [0, 1, 2, 3, 4, 5, 9] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const got: number[] = [];
    for (let i = 0; i < expected.length; i++) got.push((await b.client.nextFrame()).sequence);
    expect(got).toEqual(expected);
    expect(n.counters().silenceSuppressed).toBe(suppress ? 3 : 0);
  });

  it('a replayed packet is dropped and never forwarded twice', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    const packet = a.client.sendOpus(voice(1), { sequence: 1 });
    expect((await b.client.nextFrame()).sequence).toBe(1);
    a.client.sendRaw(packet);
    a.client.sendRaw(packet);
    await vi.waitFor(() => expect(n.counters().droppedReplayed).toBe(2));
    a.client.sendOpus(voice(2), { sequence: 2, counter: 5 });
    a.client.sendOpus(voice(3), { sequence: 3, counter: 4 }); // late but inside the window: accepted once
    a.client.sendOpus(voice(3), { sequence: 3, counter: 4 });
    expect(await b.client.nextFrame()).toMatchObject({ sequence: 2, counter: 2 });
    expect(await b.client.nextFrame()).toMatchObject({ sequence: 3, counter: 3 });
    await vi.waitFor(() => expect(n.counters().droppedReplayed).toBe(3));
    expect(n.counters().packetsForwarded).toBe(3);
  });

  it('drops packets before startSession, from a wrong address, and under a wrong key', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    const ssrc = n.allocateSsrc();
    const lateJoiner = call.join({ userId: 'lou', ssrc });
    const lou = await UdpTestClient.open(ssrc, { address: '127.0.0.1', port: n.port });
    cleanup.push(() => lou.close());
    await lou.discover();
    lou.startSession('aead_aes256_gcm_rtpsize', randomBytes(32));
    lou.sendOpus(voice(1)); // no session on the server yet
    await vi.waitFor(() => expect(n.counters().droppedUnauthenticated).toBe(1));
    lateJoiner.startSession('aead_aes256_gcm_rtpsize', randomBytes(32));
    lou.sendOpus(voice(1)); // wrong key
    await vi.waitFor(() => expect(n.counters().droppedUnauthenticated).toBe(2));
    const valid = a.client.seal(voice(1), { sequence: 50 });
    lou.sendRaw(valid); // alice's valid packet from lou's address
    await vi.waitFor(() => expect(n.counters().droppedUnauthenticated).toBe(3));
    lou.sendRaw(a.client.seal(voice(0), { ssrc: 424242 })); // nobody's ssrc
    await vi.waitFor(() => expect(n.counters().droppedUnknownSsrc).toBe(1));
    a.client.sendRaw(valid);
    expect(await b.client.nextFrame()).toMatchObject({ sequence: 50, counter: 1 });
  });

  it('after the session starts, discovery from another address is not answered and does not rebind', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const b = await member(n, call, 'bob');
    const tomSsrc = n.allocateSsrc();
    call.join({ userId: 'tom', ssrc: tomSsrc });
    const thief = await UdpTestClient.open(tomSsrc, { address: '127.0.0.1', port: n.port });
    cleanup.push(() => thief.close());
    thief.sendRaw(buildDiscoveryRequest(a.peer.ssrc)); // alice's ssrc from tom's socket
    // Replies on one socket pair arrive in order: the first reply tom gets is for his own ssrc.
    expect(await thief.discover()).toMatchObject({ ssrc: tomSsrc, port: thief.port });
    expect(a.peer.remote).toEqual({ address: '127.0.0.1', port: a.client.port });
    expect(n.counters().droppedUnauthenticated).toBe(1);
    b.client.sendOpus(voice(1), { sequence: 5 });
    expect((await a.client.nextFrame()).sequence).toBe(5);
    expect(await a.client.discover()).toMatchObject({ port: a.client.port }); // its own address is answered
  });

  it('setRemote binds a peer that did no discovery', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice');
    const ssrc = n.allocateSsrc();
    const peer = call.join({ userId: 'bob', ssrc });
    const client = await UdpTestClient.open(ssrc, { address: '127.0.0.1', port: n.port });
    cleanup.push(() => client.close());
    expect(peer.remote).toBeNull();
    peer.setRemote('127.0.0.1', client.port);
    const key = randomBytes(32);
    peer.startSession('aead_xchacha20_poly1305_rtpsize', key);
    client.startSession('aead_xchacha20_poly1305_rtpsize', key);
    a.client.sendOpus(voice(1), { sequence: 3 });
    expect((await client.nextFrame()).sequence).toBe(3);
    expect(() => peer.setRemote('not-an-ip', 1)).toThrow(InvalidRemoteError);
    expect(() => peer.setRemote('127.0.0.1', 0)).toThrow(InvalidRemoteError);
  });

  it('sink peers get decrypted frames and inject frames the others hear', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const a = await member(n, call, 'alice', 'aead_xchacha20_poly1305_rtpsize');
    const delivered: OpusFrame[] = [];
    const sinkSsrc = n.allocateSsrc();
    const sink = call.joinSink({ userId: 'webrtc', ssrc: sinkSsrc, deliver: (f) => delivered.push(f) });
    a.client.sendOpus(voice(4), { sequence: 44, timestamp: 4400 });
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    expect(delivered[0]).toMatchObject({ ssrc: a.peer.ssrc, sequence: 44, timestamp: 4400 });
    expect([...(delivered[0]?.opus ?? [])]).toEqual([...voice(4)]);
    sink.inject({ sequence: 7, timestamp: 700, opus: voice(8) });
    const frame = await a.client.nextFrame();
    expect(frame).toMatchObject({ ssrc: sinkSsrc, sequence: 7, timestamp: 700 });
    expect([...frame.opus]).toEqual([...voice(8)]);
    sink.setMuted(true);
    sink.inject({ sequence: 8, timestamp: 800, opus: voice(9) });
    expect(n.counters().droppedMuted).toBe(1);
    sink.setDeafened(true);
    a.client.sendOpus(voice(5));
    await vi.waitFor(() => expect(n.counters().packetsAccepted).toBe(2));
    expect(delivered).toHaveLength(1);
    expect(call.peers().map((p) => p.userId)).toEqual(['alice']);
    sink.leave();
    sink.leave();
  });

  it('validates joins and sessions; leave is idempotent; the same user rejoining replaces the old peer', async () => {
    const n = await node();
    const call = n.call('g1', 'c1');
    const ssrc = n.allocateSsrc();
    const p = call.join({ userId: 'alice', ssrc });
    expect(() => n.call('g2', 'c9').join({ userId: 'mallory', ssrc })).toThrow(SsrcInUseError);
    expect(() => call.join({ userId: 'bob', ssrc })).toThrow(SsrcInUseError);
    expect(() => call.join({ userId: 'bob', ssrc: 0 })).toThrow(InvalidSsrcError);
    expect(() => call.join({ userId: 'bob', ssrc: 2 ** 32 })).toThrow(InvalidSsrcError);
    expect(() => p.startSession('aead_aes256_gcm_rtpsize', new Uint8Array(31))).toThrow(InvalidSecretKeyError);
    expect(() => p.startSession('xsalsa20_poly1305' as EncryptionMode, new Uint8Array(32))).toThrow(UnsupportedModeError);
    const again = call.join({ userId: 'alice', ssrc: n.allocateSsrc() });
    expect(call.peers()).toEqual([again]);
    p.leave();
    expect(call.peers()).toEqual([again]);
    again.leave();
    again.leave();
    expect(call.peers()).toEqual([]);
    const reuse = n.call('g2', 'c9').join({ userId: 'mallory', ssrc }); // freed by leave
    expect(reuse.ssrc).toBe(ssrc);
  });
});
