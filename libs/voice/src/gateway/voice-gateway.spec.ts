import { readFile } from 'node:fs/promises';
import { silentLogger } from '@chat/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedVoiceClient } from './testing/scripted-voice-client';
import { VoiceClose, VoiceOp } from './voice-opcodes';
import { startVoiceNode, type VoiceNode } from './voice-node';

const GUILD = '100000000000000001';
const VOICE = '100000000000000010';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';
const CAROL = '200000000000000003';

let clock = Date.now();
let node: VoiceNode;
let ca: Buffer;
const clients: ScriptedVoiceClient[] = [];

async function open(version = 4): Promise<ScriptedVoiceClient> {
  const client = await ScriptedVoiceClient.open(node.endpoint, ca, version);
  clients.push(client);
  return client;
}

function allocate(userId: string, sessionId: string, channelId = VOICE) {
  return node.allocator.allocate({ guildId: GUILD, channelId, userId, sessionId });
}

/** Opens a connection and identifies; resolves with the client and its READY data. */
async function join(userId: string, sessionId: string, channelId = VOICE, version = 4) {
  const { token } = allocate(userId, sessionId, channelId);
  const client = await open(version);
  client.send(VoiceOp.Identify, { server_id: GUILD, user_id: userId, session_id: sessionId, token, max_dave_protocol_version: 0 });
  const ready = await client.next(VoiceOp.Ready);
  return { client, token, ready: ready.d as { ssrc: number; ip: string; port: number; modes: string[]; heartbeat_interval: number } };
}

beforeAll(async () => {
  node = await startVoiceNode({
    nodeId: 'voice-test',
    host: '127.0.0.1',
    publicHost: '',
    wsPort: 0,
    udpPort: 0,
    tlsCert: '',
    tlsKey: '',
    tokenTtlMs: 60_000,
    modes: ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'],
    logger: silentLogger(),
    heartbeatIntervalMs: 10_000,
    graceMs: 400,
    now: () => clock,
  });
  ca = await readFile(node.certPath);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await node.close();
});

describe('voice gateway: handshake', () => {
  it('says HELLO with the heartbeat interval and acks v4 heartbeats by echoing the nonce', async () => {
    const client = await open(4);
    const hello = await client.next(VoiceOp.Hello);
    expect(hello.d).toEqual({ v: 4, heartbeat_interval: 10_000 });
    client.send(VoiceOp.Heartbeat, 1234567);
    expect((await client.next(VoiceOp.HeartbeatAck)).d).toBe(1234567);
  });

  it('acks v8 heartbeats with {t} and sequences v8 messages', async () => {
    const { client, ready } = await join(ALICE, 'hb-v8', VOICE, 8);
    const readyFrame = await client.next(VoiceOp.Ready);
    expect(readyFrame.seq).toBe(1);
    expect(ready.ssrc).toBeGreaterThan(0);
    client.send(VoiceOp.Heartbeat, { t: 42, seq_ack: 1 });
    expect((await client.next(VoiceOp.HeartbeatAck)).d).toEqual({ t: 42 });
    client.close();
  });

  it('IDENTIFY with a fresh token answers READY with ssrc, ip, port and the offered modes', async () => {
    const { client, ready } = await join(ALICE, 'ready-1');
    expect(ready.ip).toBe('127.0.0.1');
    expect(ready.port).toBe(node.media.port);
    expect(ready.modes).toEqual(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize']);
    expect(node.allocator.describe(GUILD, VOICE).find((p) => p.sessionId === 'ready-1')).toMatchObject({ userId: ALICE, ssrc: ready.ssrc, connected: true });
    client.close();
  });

  it('a token is single-use: the second IDENTIFY with it closes 4004', async () => {
    const { token, client: first } = await join(BOB, 'single-use');
    const second = await open();
    second.send(VoiceOp.Identify, { server_id: GUILD, user_id: BOB, session_id: 'single-use', token });
    expect((await second.closed).code).toBe(VoiceClose.AuthenticationFailed);
    first.close();
  });

  it('an expired token closes 4004', async () => {
    const { token } = allocate(CAROL, 'expired');
    clock += 60_001;
    const client = await open();
    client.send(VoiceOp.Identify, { server_id: GUILD, user_id: CAROL, session_id: 'expired', token });
    expect((await client.closed).code).toBe(VoiceClose.AuthenticationFailed);
  });

  it('a wrong session id closes 4004 and leaves the token for the right session', async () => {
    const { token } = allocate(CAROL, 'right');
    const wrong = await open();
    wrong.send(VoiceOp.Identify, { server_id: GUILD, user_id: CAROL, session_id: 'wrong', token });
    expect((await wrong.closed).code).toBe(VoiceClose.AuthenticationFailed);
    const right = await open();
    right.send(VoiceOp.Identify, { server_id: GUILD, user_id: CAROL, session_id: 'right', token });
    expect((await right.next(VoiceOp.Ready)).d.ssrc).toBeGreaterThan(0);
    right.close();
  });

  it('a malformed server id or a token for another guild closes 4004', async () => {
    const { token } = allocate(CAROL, 'other-guild');
    const client = await open();
    client.send(VoiceOp.Identify, { server_id: '100000000000000999', user_id: CAROL, session_id: 'other-guild', token });
    expect((await client.closed).code).toBe(VoiceClose.AuthenticationFailed);
    const bad = await open();
    bad.send(VoiceOp.Identify, { server_id: 'guild', user_id: CAROL, session_id: 'other-guild', token });
    expect((await bad.closed).code).toBe(VoiceClose.AuthenticationFailed);
  });
});

describe('voice gateway: close codes', () => {
  const cases: Array<[string, (client: ScriptedVoiceClient) => void, number]> = [
    ['bad JSON', (c) => c.sendRaw('{"op": 0, "d": '), VoiceClose.FailedToDecode],
    ['a payload over 4096 bytes', (c) => c.send(VoiceOp.Heartbeat, 'x'.repeat(5000)), VoiceClose.FailedToDecode],
    ['a binary frame', (c) => c.sendRaw(Buffer.from([1, 2, 3]), true), VoiceClose.FailedToDecode],
    ['JSON without an op', (c) => c.sendRaw('{"d": 1}'), VoiceClose.FailedToDecode],
    ['IDENTIFY without a token', (c) => c.send(VoiceOp.Identify, { server_id: GUILD, user_id: ALICE, session_id: 's' }), VoiceClose.FailedToDecode],
    ['an unknown opcode', (c) => c.send(42, {}), VoiceClose.UnknownOpcode],
    ['a server opcode from the client', (c) => c.send(VoiceOp.Ready, {}), VoiceClose.UnknownOpcode],
    ['SELECT_PROTOCOL before IDENTIFY', (c) => c.send(VoiceOp.SelectProtocol, { protocol: 'udp', data: { address: '127.0.0.1', port: 1, mode: 'x' } }), VoiceClose.NotAuthenticated],
    ['RESUME of an unknown session', (c) => c.send(VoiceOp.Resume, { server_id: GUILD, session_id: 'nope', token: 'nope' }), VoiceClose.SessionNoLongerValid],
  ];
  for (const [name, act, code] of cases) {
    it(`${name} closes ${code}`, async () => {
      const client = await open();
      act(client);
      expect((await client.closed).code).toBe(code);
    });
  }

  it('a second IDENTIFY closes 4005', async () => {
    const { client, token } = await join(ALICE, 'twice');
    client.send(VoiceOp.Identify, { server_id: GUILD, user_id: ALICE, session_id: 'twice', token });
    expect((await client.closed).code).toBe(VoiceClose.AlreadyAuthenticated);
  });

  it('SELECT_PROTOCOL with another protocol closes 4012, with an unknown mode 4016', async () => {
    const first = await join(ALICE, 'proto');
    first.client.send(VoiceOp.SelectProtocol, { protocol: 'webrtc', data: { address: '127.0.0.1', port: 5000, mode: 'aead_aes256_gcm_rtpsize' } });
    expect((await first.client.closed).code).toBe(VoiceClose.UnknownProtocol);
    const second = await join(ALICE, 'mode');
    second.client.send(VoiceOp.SelectProtocol, { protocol: 'udp', data: { address: '127.0.0.1', port: 5000, mode: 'xsalsa20_poly1305' } });
    expect((await second.client.closed).code).toBe(VoiceClose.UnknownEncryptionMode);
  });
});

describe('voice gateway: a call', () => {
  it('SELECT_PROTOCOL answers SESSION_DESCRIPTION with a 32-byte key and DAVE off', async () => {
    const { client } = await join(ALICE, 'describe');
    client.send(VoiceOp.SelectProtocol, { protocol: 'udp', data: { address: '127.0.0.1', port: 40000, mode: 'aead_xchacha20_poly1305_rtpsize' } });
    const description = await client.next(VoiceOp.SessionDescription);
    expect(description.d.mode).toBe('aead_xchacha20_poly1305_rtpsize');
    expect(description.d.dave_protocol_version).toBe(0);
    expect(description.d.secret_key).toHaveLength(32);
    expect(description.d.secret_key.every((byte: number) => Number.isInteger(byte) && byte >= 0 && byte < 256)).toBe(true);
    client.close();
  });

  it('members learn each other (op 11 + op 5 speaking 0), SPEAKING is relayed, another channel hears nothing', async () => {
    const a = await join(ALICE, 'call-a', '100000000000000020');
    const c = await join(CAROL, 'call-c', '100000000000000021');
    const b = await join(BOB, 'call-b', '100000000000000020');
    expect((await a.client.next(VoiceOp.ClientsConnect)).d).toEqual({ user_ids: [BOB] });
    expect((await a.client.next(VoiceOp.Speaking)).d).toEqual({ user_id: BOB, ssrc: b.ready.ssrc, speaking: 0 });
    expect((await b.client.next(VoiceOp.ClientsConnect)).d).toEqual({ user_ids: [ALICE] });
    expect((await b.client.next(VoiceOp.Speaking)).d).toEqual({ user_id: ALICE, ssrc: a.ready.ssrc, speaking: 0 });

    const from = b.client.frames.length;
    a.client.send(VoiceOp.Speaking, { speaking: 1, delay: 0, ssrc: a.ready.ssrc });
    expect((await b.client.next(VoiceOp.Speaking, { from })).d).toEqual({ user_id: ALICE, ssrc: a.ready.ssrc, speaking: 1 });
    await c.client.roundTrip();
    expect(c.client.all(VoiceOp.Speaking)).toEqual([]);
    expect(c.client.all(VoiceOp.ClientsConnect)).toEqual([]);
    expect(node.allocator.describe(GUILD, '100000000000000020').map((p) => [p.userId, p.speaking])).toEqual([[ALICE, true], [BOB, false]]);

    const revoked = node.allocator.revoke(GUILD, ALICE, 'call-a');
    expect(revoked).toBe(1);
    expect(await a.client.closed).toEqual({ code: VoiceClose.Disconnected, reason: 'disconnected' });
    expect((await b.client.next(VoiceOp.ClientDisconnect)).d).toEqual({ user_id: ALICE });
    expect(node.allocator.describe(GUILD, '100000000000000020').map((p) => p.userId)).toEqual([BOB]);
    expect(node.allocator.revoke(GUILD, ALICE, 'call-a')).toBe(0);
    b.client.close();
    c.client.close();
  });

  it('RevokeSession counts unused tokens and every session of the user when session_id is empty', async () => {
    const dave = '200000000000000004';
    allocate(dave, 'revoke-1', '100000000000000030');
    const live = await join(dave, 'revoke-2', '100000000000000031');
    expect(node.allocator.describe(GUILD, '100000000000000030')).toHaveLength(1);
    expect(node.allocator.revoke(GUILD, dave, '')).toBe(2);
    expect((await live.client.closed).code).toBe(VoiceClose.Disconnected);
    expect(node.allocator.describe(GUILD, '100000000000000030')).toEqual([]);
  });

  it('UpdateParticipant sets effective mute and deafen, before and after the connection', async () => {
    allocate(BOB, 'flags', '100000000000000040');
    node.allocator.update(GUILD, '100000000000000040', BOB, { mute: false, deaf: false, selfMute: true, selfDeaf: false });
    const { client } = await join(BOB, 'flags', '100000000000000040');
    expect(node.allocator.describe(GUILD, '100000000000000040')[0]).toMatchObject({ muted: true, deafened: false, connected: true });
    node.allocator.update(GUILD, '100000000000000040', BOB, { mute: false, deaf: true, selfMute: false, selfDeaf: false });
    expect(node.allocator.describe(GUILD, '100000000000000040')[0]).toMatchObject({ muted: false, deafened: true });
    expect(() => node.allocator.update(GUILD, '100000000000000040', CAROL, { mute: true, deaf: false, selfMute: false, selfDeaf: false })).toThrow(/not in the call/);
    client.close();
  });

  it('RESUME after a drop keeps the ssrc; a v8 client gets what it missed after seq_ack', async () => {
    const a = await join(ALICE, 'resume-a', '100000000000000050', 8);
    const b = await join(BOB, 'resume-b', '100000000000000050');
    await a.client.next(VoiceOp.Speaking);
    const lastSeq = Math.max(...a.client.frames.map((frame) => frame.seq ?? 0));
    a.client.drop();
    await expect.poll(() => node.allocator.describe(GUILD, '100000000000000050')[0]?.connected, { timeout: 5000 }).toBe(false);
    b.client.send(VoiceOp.Speaking, { speaking: 1, delay: 0, ssrc: b.ready.ssrc });
    await b.client.roundTrip();

    const again = await open(8);
    again.send(VoiceOp.Resume, { server_id: GUILD, session_id: 'resume-a', token: a.token, seq_ack: lastSeq });
    await again.next(VoiceOp.Resumed);
    const replayed = await again.next(VoiceOp.Speaking);
    expect(replayed.d).toEqual({ user_id: BOB, ssrc: b.ready.ssrc, speaking: 1 });
    expect(replayed.seq).toBe(lastSeq + 1);
    expect(node.allocator.describe(GUILD, '100000000000000050')[0]).toMatchObject({ userId: ALICE, ssrc: a.ready.ssrc, connected: true });
    expect(b.client.all(VoiceOp.ClientDisconnect)).toEqual([]);
    again.close();
    b.client.close();
  });

  it('a dropped session that does not resume within the grace window leaves: the others get CLIENT_DISCONNECT', async () => {
    const a = await join(ALICE, 'grace-a', '100000000000000060');
    const b = await join(BOB, 'grace-b', '100000000000000060');
    a.client.drop();
    expect((await b.client.next(VoiceOp.ClientDisconnect)).d).toEqual({ user_id: ALICE });
    expect(node.allocator.describe(GUILD, '100000000000000060').map((p) => p.userId)).toEqual([BOB]);
    const late = await open();
    late.send(VoiceOp.Resume, { server_id: GUILD, session_id: 'grace-a', token: a.token });
    expect((await late.closed).code).toBe(VoiceClose.SessionNoLongerValid);
    b.client.close();
  });

  it('a second IDENTIFY of the same session (new token) replaces the first connection with 4006', async () => {
    const first = await join(CAROL, 'replace', '100000000000000070');
    const second = await join(CAROL, 'replace', '100000000000000070');
    expect((await first.client.closed).code).toBe(VoiceClose.SessionNoLongerValid);
    expect(second.ready.ssrc).not.toBe(first.ready.ssrc);
    expect(node.allocator.describe(GUILD, '100000000000000070')).toEqual([
      expect.objectContaining({ userId: CAROL, sessionId: 'replace', ssrc: second.ready.ssrc, connected: true }),
    ]);
    second.client.close();
  });
});

describe('voice gateway: heartbeat timeout', () => {
  it('closes 4009 when a client stops heartbeating', async () => {
    const quick = await startVoiceNode({
      nodeId: 'voice-quick',
      host: '127.0.0.1',
      publicHost: '',
      wsPort: 0,
      udpPort: 0,
      tlsCert: node.certPath,
      tlsKey: node.certPath.replace('voice-cert.pem', 'voice-key.pem'),
      tokenTtlMs: 60_000,
      modes: ['aead_aes256_gcm_rtpsize'],
      logger: silentLogger(),
      heartbeatIntervalMs: 150,
    });
    try {
      const client = await ScriptedVoiceClient.open(quick.endpoint, ca);
      const started = Date.now();
      expect((await client.closed).code).toBe(VoiceClose.SessionTimeout);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await quick.close();
    }
  });
});
