import { createSocket } from 'node:dgram';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UdpMediaNode } from './media/media-node';
import { emptyStats } from './media/counters';
import { registerVoiceMetrics } from './voice-metrics';

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('voice metrics', () => {
  it('reads a real media node at scrape time: received, dropped by reason, keepalives not dropped', async () => {
    const node = await UdpMediaNode.open({ bindHost: '127.0.0.1', port: 0, advertisedIp: '127.0.0.1' });
    cleanup.push(() => node.close());
    const registry = new Registry();
    registerVoiceMetrics(registry, () => node.counters());
    const before = await registry.metrics();
    expect(sampleOf(before, 'chat_voice_media_packets_received_total')).toBe(0);

    const socket = createSocket('udp4');
    cleanup.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const send = (bytes: Uint8Array) => new Promise<void>((resolve, reject) => socket.send(bytes, node.port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    for (let i = 0; i < 3; i++) await send(new Uint8Array([0x80, 0x78, i]));
    await send(new Uint8Array(8)); // a keepalive
    await vi.waitFor(() => expect(node.counters().packetsReceived).toBe(4), { timeout: 5000, interval: 5 });

    const text = await registry.metrics();
    expect(sampleOf(text, 'chat_voice_media_packets_received_total')).toBe(4);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="malformed"}')).toBe(3);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="unauthenticated"}')).toBe(0);
    expect(sampleOf(text, 'chat_voice_media_packets_forwarded_total')).toBe(0);
  });

  it('sums every node of a registry, maps each drop bucket to its reason, and forgets a node after its disposer ran', async () => {
    const registry = new Registry();
    const a = { ...emptyStats(), packetsReceived: 100, packetsForwarded: 180, bytesSent: 9000, droppedReplayed: 2, droppedUnknownSsrc: 3, droppedMuted: 4, silenceSuppressed: 5, droppedUnauthenticated: 6 };
    const b = { ...emptyStats(), packetsReceived: 10, packetsForwarded: 20, droppedReplayed: 1 };
    registerVoiceMetrics(registry, () => a);
    const dropB = registerVoiceMetrics(registry, () => b);
    let text = await registry.metrics();
    expect(sampleOf(text, 'chat_voice_media_packets_received_total')).toBe(110);
    expect(sampleOf(text, 'chat_voice_media_packets_forwarded_total')).toBe(200);
    expect(sampleOf(text, 'chat_voice_media_bytes_sent_total')).toBe(9000);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="replayed"}')).toBe(3);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="unknown_ssrc"}')).toBe(3);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="muted"}')).toBe(4);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="silence"}')).toBe(5);
    expect(sampleOf(text, 'chat_voice_media_packets_dropped_total{reason="unauthenticated"}')).toBe(6);
    a.packetsForwarded += 20;
    dropB();
    text = await registry.metrics();
    expect(sampleOf(text, 'chat_voice_media_packets_forwarded_total')).toBe(200);
    expect(sampleOf(text, 'chat_voice_media_packets_received_total')).toBe(100);
  });
});
