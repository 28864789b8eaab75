import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import { bucketTotal, type MediaNodeStats } from './counters';
import { buildDiscoveryRequest } from './ip-discovery';
import { UdpMediaNode } from './media-node';
import { UdpTestClient } from './testing/udp-test-client';
import type { EncryptionMode, MediaPeer } from './types';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const BATCH = 50; // keep bursts under the default socket receive buffer so loopback drops nothing

async function join(n: UdpMediaNode, userId: string, mode: EncryptionMode): Promise<{ peer: MediaPeer; client: UdpTestClient }> {
  const ssrc = n.allocateSsrc();
  const peer = n.call('g', 'c').join({ userId, ssrc });
  const client = await UdpTestClient.open(ssrc, { address: '127.0.0.1', port: n.port });
  cleanup.push(() => client.close());
  await client.discover();
  const key = randomBytes(32);
  peer.startSession(mode, key);
  client.startSession(mode, key);
  return { peer, client };
}

type Send = () => void;

/** Sends every datagram in batches, waiting for the node to have received each batch. */
async function run(n: UdpMediaNode, sends: Send[]): Promise<MediaNodeStats> {
  const before = n.counters();
  for (let i = 0; i < sends.length; i += BATCH) {
    const batch = sends.slice(i, i + BATCH);
    for (const send of batch) send();
    const target = before.packetsReceived + i + batch.length;
    await vi.waitFor(() => expect(n.counters().packetsReceived).toBe(target), { timeout: 10_000, interval: 5 });
  }
  const after = n.counters();
  const delta = { ...after };
  for (const k of Object.keys(delta) as Array<keyof MediaNodeStats>) delta[k] = after[k] - before[k];
  return delta;
}

it('survives thousands of random and mutated datagrams, counts each once, and still forwards', async () => {
  const n = await UdpMediaNode.open({ bindHost: '127.0.0.1', port: 0, advertisedIp: '127.0.0.1' });
  cleanup.push(() => n.close());
  const a = await join(n, 'alice', 'aead_aes256_gcm_rtpsize');
  const b = await join(n, 'bob', 'aead_aes256_gcm_rtpsize');
  const c = await join(n, 'carol', 'aead_xchacha20_poly1305_rtpsize');
  const stranger = await UdpTestClient.open(1, { address: '127.0.0.1', port: n.port });
  cleanup.push(() => stranger.close());
  const members = new Set([a.peer.ssrc, b.peer.ssrc, c.peer.ssrc]);
  const opus = (): Uint8Array => randomBytes(randomInt(1, 200));
  let seq = 0;
  const validSeqs: number[] = [];

  // 1. random bytes, lengths 0..1500, from a stranger and from alice's own socket; every 50th a valid frame from alice.
  const randomPhase: Send[] = [];
  for (let i = 0; i < 3000; i++) {
    if (i % 50 === 49) {
      const s = seq++;
      validSeqs.push(s);
      randomPhase.push(() => a.client.sendOpus(opus(), { sequence: s }));
    } else {
      const bytes = randomBytes(randomInt(0, 1501));
      randomPhase.push(i % 2 === 0 ? () => stranger.sendRaw(bytes) : () => a.client.sendRaw(bytes));
    }
  }
  const random = await run(n, randomPhase);
  expect(random.packetsReceived).toBe(3000);
  expect(random.packetsAccepted).toBe(validSeqs.length);
  expect(random.packetsForwarded).toBe(2 * validSeqs.length);
  for (const s of validSeqs) expect((await b.client.nextFrame()).sequence).toBe(s);
  for (const s of validSeqs) expect((await c.client.nextFrame()).sequence).toBe(s);

  // 2. each kind of mutated valid packet, with the bucket it must land in.
  const replays = Array.from({ length: 300 }, () => a.client.seal(opus(), { sequence: seq++ }));
  expect(await run(n, replays.map((p) => () => a.client.sendRaw(p)))).toMatchObject({ packetsAccepted: 300 });
  for (let i = 0; i < 300; i++) await b.client.nextFrame();
  for (let i = 0; i < 300; i++) await c.client.nextFrame();

  const flipped: Send[] = Array.from({ length: 300 }, () => {
    const p = a.client.seal(opus());
    const at = p.length - 4 - randomInt(1, 17);
    p[at] = (p[at] ?? 0) ^ (1 << randomInt(0, 8));
    return () => a.client.sendRaw(p);
  });
  expect(await run(n, flipped)).toMatchObject({ droppedUnauthenticated: 300, packetsAccepted: 0, packetsForwarded: 0 });

  const replayed: Send[] = replays.map((p) => () => a.client.sendRaw(p));
  expect(await run(n, replayed)).toMatchObject({ droppedReplayed: 300, packetsAccepted: 0 });

  const wrongSsrc: Send[] = Array.from({ length: 300 }, () => {
    const p = a.client.seal(opus());
    let ssrc = randomInt(1, 2 ** 32);
    while (members.has(ssrc)) ssrc = randomInt(1, 2 ** 32);
    p.writeUInt32BE(ssrc, 8);
    return () => a.client.sendRaw(p);
  });
  expect(await run(n, wrongSsrc)).toMatchObject({ droppedUnknownSsrc: 300, packetsAccepted: 0 });

  const wrongSource: Send[] = Array.from({ length: 300 }, () => {
    const p = a.client.seal(opus());
    return () => stranger.sendRaw(p);
  });
  expect(await run(n, wrongSource)).toMatchObject({ droppedUnauthenticated: 300, packetsAccepted: 0 });

  const discoveryThefts: Send[] = Array.from({ length: 100 }, () => () => stranger.sendRaw(buildDiscoveryRequest(a.peer.ssrc)));
  expect(await run(n, discoveryThefts)).toMatchObject({ droppedUnauthenticated: 100, discoveryAnswered: 0 });

  const truncated: Send[] = Array.from({ length: 500 }, () => {
    const p = a.client.seal(opus());
    const cut = p.subarray(0, randomInt(0, p.length));
    return () => a.client.sendRaw(cut);
  });
  const t = await run(n, truncated);
  expect(t.packetsAccepted).toBe(0);
  expect(t.droppedMalformed + t.droppedUnauthenticated + t.droppedReplayed + t.keepalivesReceived).toBe(500);

  const bitFlips: Send[] = Array.from({ length: 500 }, () => {
    const p = a.client.seal(opus());
    const at = randomInt(0, p.length);
    p[at] = (p[at] ?? 0) ^ (1 << randomInt(0, 8));
    return () => a.client.sendRaw(p);
  });
  expect((await run(n, bitFlips)).packetsAccepted).toBe(0);

  // 3. the node still forwards a valid packet; nobody got anything from the noise.
  expect(b.client.pending()).toBe(0);
  a.client.sendOpus(new Uint8Array([0x78, 1, 2, 3]), { sequence: 9999 });
  expect(await b.client.nextFrame()).toMatchObject({ sequence: 9999, counter: validSeqs.length + 301 });
  expect(await c.client.nextFrame()).toMatchObject({ sequence: 9999, counter: validSeqs.length + 301 });

  const total = n.counters();
  expect(bucketTotal(total)).toBe(total.packetsReceived);
  expect(total.packetsAccepted).toBe(validSeqs.length + 301);
  expect(total.packetsForwarded).toBe(2 * total.packetsAccepted);
  expect(total.sendErrors).toBe(0);
}, 120_000);
