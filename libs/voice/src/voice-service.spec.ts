import { status } from '@grpc/grpc-js';
import { loadConfig } from '@chat/config';
import { silentLogger } from '@chat/observability';
import { voiceV1 } from '@chat/proto';
import { createServiceClient, GrpcServer, type ServiceClient } from '@chat/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRegistry } from './allocation/call-registry';
import { TokenStore } from './allocation/token-store';
import { VoiceAllocator } from './allocation/voice-allocator';
import { voiceHandlers } from './allocation/voice.grpc';
import { startVoiceNode, type VoiceNode } from './gateway/voice-node';
import { voiceConfigSchema } from './voice.config';

const GUILD = '100000000000000001';
const VOICE = '100000000000000010';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';

describe('TokenStore', () => {
  const claim = { guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: 's1' };

  it('issues 32-character base64url tokens that are single-use', () => {
    const tokens = new TokenStore(1000, () => 0);
    const { token, expiresAt } = tokens.issue(claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(expiresAt.getTime()).toBe(1000);
    expect(tokens.consume(token, claim)).toEqual(claim);
    expect(tokens.consume(token, claim)).toBe('unknown');
  });

  it('refuses an expired token and forgets it', () => {
    let now = 0;
    const tokens = new TokenStore(1000, () => now);
    const { token } = tokens.issue(claim);
    now = 1000;
    expect(tokens.consume(token, claim)).toBe('expired');
    expect(tokens.size).toBe(0);
  });

  it('keeps a token after a mismatching claim, replaces it when the session allocates again', () => {
    const tokens = new TokenStore(1000, () => 0);
    const first = tokens.issue(claim);
    expect(tokens.consume(first.token, { ...claim, sessionId: 'other' })).toBe('mismatch');
    expect(tokens.consume(first.token, { ...claim, userId: BOB })).toBe('mismatch');
    const second = tokens.issue({ ...claim, channelId: '100000000000000011' });
    expect(tokens.consume(first.token, claim)).toBe('unknown');
    expect(tokens.consume(second.token, claim)).toEqual({ ...claim, channelId: '100000000000000011' });
  });

  it('revokes one session or all sessions of a user in a guild', () => {
    const tokens = new TokenStore(1000, () => 0);
    tokens.issue(claim);
    tokens.issue({ ...claim, sessionId: 's2' });
    tokens.issue({ ...claim, userId: BOB });
    expect(tokens.revoke(GUILD, ALICE, 's2')).toHaveLength(1);
    expect(tokens.revoke(GUILD, ALICE, '')).toHaveLength(1);
    expect(tokens.revoke(GUILD, ALICE, '')).toHaveLength(0);
    expect(tokens.size).toBe(1);
  });
});

describe('VoiceAllocator', () => {
  it('sweeps seats whose token expired unused; a moved session leaves its old seat', () => {
    let now = 0;
    const registry = new CallRegistry();
    const allocator = new VoiceAllocator({ tokens: new TokenStore(1000, () => now), registry, endpoint: () => 'voice:1', nodeId: 'v' });
    allocator.allocate({ guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: 'a' });
    allocator.allocate({ guildId: GUILD, channelId: '100000000000000011', userId: BOB, sessionId: 'b' });
    allocator.allocate({ guildId: GUILD, channelId: '100000000000000012', userId: BOB, sessionId: 'b' });
    expect(registry.calls()).toEqual([
      { guildId: GUILD, channelId: VOICE },
      { guildId: GUILD, channelId: '100000000000000012' },
    ]);
    expect(allocator.sweep()).toBe(0);
    now = 1000;
    expect(allocator.sweep()).toBe(2);
    expect(registry.callCount).toBe(0);
  });
});

describe('voice settings', () => {
  it('defaults: 8443 wss, 50000 udp, both modes aes first, 60 s tokens', () => {
    const config = loadConfig(voiceConfigSchema, { env: {} });
    expect(config).toMatchObject({ wsPort: 8443, udpPort: 50000, tokenTtlMs: 60_000, host: '127.0.0.1', publicHost: '', nodeId: 'voice-0' });
    expect(config.modes).toEqual(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize']);
  });

  it('CHAT_VOICE_MODES restricts and orders the modes and rejects unknown ones', () => {
    expect(loadConfig(voiceConfigSchema, { env: { CHAT_VOICE_MODES: 'aead_xchacha20_poly1305_rtpsize' } }).modes).toEqual(['aead_xchacha20_poly1305_rtpsize']);
    expect(() => loadConfig(voiceConfigSchema, { env: { CHAT_VOICE_MODES: 'xsalsa20_poly1305' } })).toThrow(/CHAT_VOICE_MODES.*unknown mode/);
    expect(() => loadConfig(voiceConfigSchema, { env: { CHAT_VOICE_MODES: 'aead_aes256_gcm_rtpsize,aead_aes256_gcm_rtpsize' } })).toThrow(/twice/);
  });
});

describe('VoiceService over gRPC', () => {
  let node: VoiceNode;
  let server: GrpcServer;
  let client: ServiceClient<typeof voiceV1.VoiceServiceService>;

  beforeAll(async () => {
    node = await startVoiceNode({
      nodeId: 'voice-7', host: '127.0.0.1', publicHost: 'localhost', wsPort: 0, udpPort: 0, tlsCert: '', tlsKey: '',
      tokenTtlMs: 60_000, modes: ['aead_aes256_gcm_rtpsize'], logger: silentLogger(),
    });
    server = new GrpcServer({ logger: silentLogger() });
    server.addService(voiceV1.VoiceServiceService, voiceHandlers(node.allocator));
    const port = await server.listen('127.0.0.1', 0);
    client = createServiceClient(voiceV1.VoiceServiceService, `127.0.0.1:${port}`);
  });

  afterAll(async () => {
    client.close();
    await server.stop(50);
    await node.close();
  });

  it('AllocateServer returns endpoint, token, expiry and node id; GetCall lists the seat', async () => {
    const before = Date.now();
    const { server: voice } = await client.allocateServer({ guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: 'sess-a' });
    expect(voice?.endpoint).toBe(`localhost:${node.gateway.port}`);
    expect(voice?.voiceNodeId).toBe('voice-7');
    expect(voice?.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(voice?.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 59_000);
    const again = await client.allocateServer({ guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: 'sess-a' });
    expect(again.server?.token).not.toBe(voice?.token);
    const call = await client.getCall({ guildId: GUILD, channelId: VOICE });
    expect(call.participants).toEqual([{ userId: ALICE, sessionId: 'sess-a', ssrc: 0, connected: false, speaking: false, muted: false, deafened: false }]);
  });

  it('UpdateParticipant reports effective flags; an unknown participant is NOT_FOUND', async () => {
    await client.allocateServer({ guildId: GUILD, channelId: VOICE, userId: BOB, sessionId: 'sess-b' });
    await client.updateParticipant({ guildId: GUILD, channelId: VOICE, userId: BOB, mute: true, deaf: false, selfMute: false, selfDeaf: true });
    const call = await client.getCall({ guildId: GUILD, channelId: VOICE });
    expect(call.participants.find((p) => p.userId === BOB)).toMatchObject({ muted: true, deafened: true });
    await expect(client.updateParticipant({ guildId: GUILD, channelId: VOICE, userId: '200000000000000009', mute: true, deaf: false, selfMute: false, selfDeaf: false })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('RevokeSession counts the revoked token and is idempotent', async () => {
    expect((await client.revokeSession({ guildId: GUILD, userId: BOB, sessionId: 'sess-b' })).revokedSessions).toBe(1);
    expect((await client.revokeSession({ guildId: GUILD, userId: BOB, sessionId: 'sess-b' })).revokedSessions).toBe(0);
    expect((await client.getCall({ guildId: GUILD, channelId: VOICE })).participants.map((p) => p.userId)).toEqual([ALICE]);
  });

  it('malformed snowflakes and session ids are INVALID_ARGUMENT', async () => {
    const invalid = { code: status.INVALID_ARGUMENT };
    await expect(client.allocateServer({ guildId: 'abc', channelId: VOICE, userId: ALICE, sessionId: 's' })).rejects.toMatchObject(invalid);
    await expect(client.allocateServer({ guildId: GUILD, channelId: '-1', userId: ALICE, sessionId: 's' })).rejects.toMatchObject(invalid);
    await expect(client.allocateServer({ guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: '' })).rejects.toMatchObject(invalid);
    await expect(client.revokeSession({ guildId: GUILD, userId: '1.5', sessionId: '' })).rejects.toMatchObject(invalid);
    await expect(client.updateParticipant({ guildId: GUILD, channelId: 'x', userId: ALICE, mute: false, deaf: false, selfMute: false, selfDeaf: false })).rejects.toMatchObject(invalid);
    await expect(client.getCall({ guildId: '99999999999999999999999', channelId: VOICE })).rejects.toMatchObject(invalid);
  });
});
