import { randomBytes } from 'node:crypto';
import {
  type DiscordGatewayAdapterLibraryMethods,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UdpMediaNode } from './media-node';
import { FakeVoiceGateway } from './testing/fake-voice-gateway';
import type { EncryptionMode } from './types';

// @discordjs/voice dials wss:// with default TLS options; our throwaway certificate is self-signed.
let previousTls: string | undefined;
beforeAll(() => {
  previousTls = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
});
afterAll(() => {
  if (previousTls === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = previousTls;
});

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** An unmodified @discordjs/voice connection, fed the two gateway dispatches by hand. */
async function connect(gateway: FakeVoiceGateway, userId: string): Promise<VoiceConnection> {
  let methods: DiscordGatewayAdapterLibraryMethods | undefined;
  const connection = joinVoiceChannel({
    guildId: 'g1',
    channelId: 'c1',
    group: userId,
    selfDeaf: false,
    adapterCreator: (m) => {
      methods = m;
      return { sendPayload: () => true, destroy: () => undefined };
    },
  });
  const errors: unknown[] = [];
  connection.on('error', (error) => errors.push(error));
  cleanup.push(() => {
    connection.destroy();
    expect(errors).toEqual([]);
  });
  methods?.onVoiceStateUpdate({ session_id: `s-${userId}`, user_id: userId, channel_id: 'c1', guild_id: 'g1' } as never);
  methods?.onVoiceServerUpdate({ token: 't', guild_id: 'g1', endpoint: gateway.endpoint } as never);
  await entersState(connection, VoiceConnectionStatus.Ready, 15_000);
  return connection;
}

function nextOpus(connection: VoiceConnection, speaker: string): Promise<Buffer> {
  const stream = connection.receiver.subscribe(speaker, { end: { behavior: EndBehaviorType.Manual } });
  return new Promise((resolve, reject) => {
    stream.once('data', (chunk: Buffer) => resolve(chunk));
    stream.once('error', reject);
  });
}

describe.each<EncryptionMode>(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'])('@discordjs/voice 0.18 through the media node (%s)', (mode) => {
  it('two unmodified clients discover, select the mode, and hear each other', async () => {
    const node = await UdpMediaNode.open({ bindHost: '127.0.0.1', port: 0, advertisedIp: '127.0.0.1', modes: [mode] });
    cleanup.push(() => node.close());
    const gateway = await FakeVoiceGateway.start(node, node.call('g1', 'c1'));
    cleanup.push(() => gateway.close());
    const alice = await connect(gateway, 'alice');
    const bob = await connect(gateway, 'bob');
    expect(gateway.peers.get('alice')?.remote?.address).toBe('127.0.0.1');

    const fromAlice = randomBytes(60);
    const atBob = nextOpus(bob, 'alice');
    alice.playOpusPacket(fromAlice); // also sends op 5 SPEAKING, which the fake gateway relays to bob
    // bob maps ssrc -> alice from op 5; frames before that are dropped by his receiver, so keep sending
    const timer = setInterval(() => alice.playOpusPacket(fromAlice), 20);
    cleanup.push(() => clearInterval(timer));
    expect(await atBob).toEqual(fromAlice);
    clearInterval(timer);

    const fromBob = randomBytes(40);
    const atAlice = nextOpus(alice, 'bob');
    const timer2 = setInterval(() => bob.playOpusPacket(fromBob), 20);
    cleanup.push(() => clearInterval(timer2));
    expect(await atAlice).toEqual(fromBob);

    const c = node.counters();
    expect(c.droppedUnauthenticated + c.droppedMalformed + c.droppedReplayed + c.droppedUnknownSsrc).toBe(0);
    expect(c.discoveryAnswered).toBe(2);
    expect(c.packetsForwarded).toBeGreaterThanOrEqual(2);
  });
});
