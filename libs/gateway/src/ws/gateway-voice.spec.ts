/**
 * Voice end to end in one process: a real guild node (GuildService over
 * gRPC) with its voice ring pointing at a stub VoiceService on the same gRPC
 * server, this gateway with the GatewayRelay, and real WebSocket clients
 * sending gateway op 4 as @discordjs/voice's adapter does.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- the op 4 → guild → voice contract needs a real guild node
import { GuildNode, RingVoiceClients, guildServiceHandlers } from '@chat/guild';
import { UnavailableError } from '@chat/errors';
import { voiceV1, guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import { GrpcServer, type AsyncHandlers } from '@chat/rpc';
import { openStore, type Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import { wireGuildService, type GuildServiceWiring } from '../guild-service-wiring';
import { HttpServer } from '@chat/http-server';
import { GatewayServer } from './gateway-server';
import { TestClient, type Frame } from './gateway-test-harness';

const GUILD = '120000000000000001';
const ALICE = '220000000000000001';
const BOB = '220000000000000002';
const CAROL = '220000000000000003';
const VOICE = '320000000000000001';
const LOCKED = '320000000000000002';
const bit = (n: number): bigint => 1n << BigInt(n);
const INTENTS = (1 << 0) | (1 << 7);

async function seed(): Promise<Store> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  for (const [id, name] of [[ALICE, 'alice'], [BOB, 'bob'], [CAROL, 'carol']] as const) {
    await store.users.createUser({ id, username: name });
    await store.users.addToken(id, `token-${name}`, 'user');
  }
  await store.guilds.createGuild({ id: GUILD, name: 'voice', ownerId: ALICE });
  await store.guilds.createRole({ id: GUILD, guildId: GUILD, name: '@everyone', permissions: (bit(10) | bit(20) | bit(21)).toString() });
  await store.guilds.createChannel({ id: VOICE, type: 2, guildId: GUILD, name: 'lounge' });
  await store.guilds.createChannel({ id: LOCKED, type: 2, guildId: GUILD, name: 'locked' });
  await store.guilds.setPermissionOverwrite(LOCKED, { id: GUILD, type: 0, allow: '0', deny: bit(20).toString() });
  for (const id of [ALICE, BOB, CAROL]) await store.guilds.addMember({ guildId: GUILD, userId: id, joinedAt: new Date('2024-01-01T00:00:00Z') });
  return store;
}

/** A VoiceService that hands out tokens and records calls; `down` makes every call fail as an unreachable node. */
function stubVoice() {
  const calls: { method: string; request: unknown }[] = [];
  const waiters: (() => void)[] = [];
  const state = { down: false };
  const record = (method: string, request: unknown) => {
    calls.push({ method, request });
    for (const wake of waiters.splice(0)) wake();
    if (state.down) throw new UnavailableError('voice node down (stub)');
  };
  const handlers: AsyncHandlers<typeof voiceV1.VoiceServiceService> = {
    async allocateServer(request) {
      record('allocateServer', request);
      return { server: { endpoint: 'voice.test:443', token: `token-for-${request.sessionId}`, voiceNodeId: 'voice-0' } };
    },
    async revokeSession(request) {
      record('revokeSession', request);
      return { revokedSessions: 1 };
    },
    async updateParticipant(request) {
      record('updateParticipant', request);
      return {};
    },
    async getCall() {
      return { participants: [] };
    },
  };
  return {
    calls,
    state,
    handlers,
    async waitFor(predicate: () => boolean) {
      while (!predicate()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const store = await seed();
  cleanups.push(() => store.close());
  const voice = stubVoice();
  // The stub voice node on its own gRPC server, then the guild node whose voice ring points at it.
  const voiceServer = new GrpcServer();
  voiceServer.addService(voiceV1.VoiceServiceService, voice.handlers);
  const voicePort = await voiceServer.listen('127.0.0.1', 0);
  const voiceClients = new RingVoiceClients([{ id: 'voice-0', address: `127.0.0.1:${voicePort}` }]);
  const membership = new StaticMembership([{ id: 'guild-a', address: '127.0.0.1:1' }]);
  const ring = new RingView(membership);
  const node = new GuildNode({ nodeId: 'guild-a', ring, store, flushIntervalMs: 2, voice: voiceClients });
  const server = new GrpcServer();
  server.addService(guildV1.GuildServiceService, guildServiceHandlers(node));
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  membership.update([{ id: 'guild-a', address }]);
  cleanups.push(async () => {
    await node.stop();
    voiceClients.close();
    await server.stop(50);
    await voiceServer.stop(50);
    ring.close();
  });
  const wiring: GuildServiceWiring = await wireGuildService({
    nodeId: 'gw-1',
    guildNodes: [{ id: 'guild-a', address }],
    membership: { membership: 'static', probeIntervalMs: 1000, probeFailures: 3 },
    timeoutMs: 3000,
    onError: () => undefined,
  });
  const warnings: { obj: object; msg: string }[] = [];
  const gatewayHolder: { gateway?: GatewayServer } = {};
  const http = new HttpServer('127.0.0.1');
  http.handleUpgrades((req, socket, head) => gatewayHolder.gateway?.handleUpgrade(req, socket, head));
  const httpPort = await http.listen(0);
  const gateway = new GatewayServer({
    users: store.users,
    guildIdsOf: (userId) => store.guilds.listGuildIdsForUser(userId),
    relay: wiring.relay,
    members: wiring.members,
    voice: wiring.voice,
    publicUrl: `ws://127.0.0.1:${httpPort}`,
    heartbeatIntervalMs: 10_000,
    resumeWindowMs: 0,
    log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
  });
  gatewayHolder.gateway = gateway;
  const clients: TestClient[] = [];
  cleanups.push(async () => {
    for (const c of clients) c.ws.terminate();
    await gateway.close();
    await http.close();
    await wiring.relay.close();
    wiring.close();
  });
  /** Connects, identifies and waits for READY and the guild's GUILD_CREATE; returns the client and its session id. */
  const login = async (name: string, intents = INTENTS) => {
    const client = await TestClient.open(`ws://127.0.0.1:${httpPort}/?v=10&encoding=json`);
    clients.push(client);
    await client.nextOf(10);
    client.identify(`token-${name}`, { intents });
    const ready = await client.nextOf(0, 'READY');
    const guildCreate = await client.nextOf(0, 'GUILD_CREATE');
    return { client, sessionId: ready.d.session_id as string, guildCreate };
  };
  return { voice, warnings, login, httpPort, clients };
}

const op4 = (channelId: string | null, extra: Record<string, unknown> = {}) => ({ op: 4, d: { guild_id: GUILD, channel_id: channelId, self_mute: false, self_deaf: false, ...extra } });

/** The next VOICE_* dispatch. */
async function nextVoice(client: TestClient): Promise<Frame> {
  for (;;) {
    const frame = await client.next(5_000);
    if (frame.op === 0 && typeof frame.t === 'string' && frame.t.startsWith('VOICE_')) return frame;
  }
}

describe('gateway op 4 → guild voice states → VoiceService (in process, real gRPC and WebSockets)', () => {
  it('answers op 4 with VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE; other sessions with GUILD_VOICE_STATES see the state only', async () => {
    const { voice, login } = await start();
    const alice = await login('alice');
    const bob = await login('bob');
    alice.client.send(op4(VOICE, { self_deaf: true }));

    const got = [await nextVoice(alice.client), await nextVoice(alice.client)];
    const state = got.find((f) => f.t === 'VOICE_STATE_UPDATE');
    const server = got.find((f) => f.t === 'VOICE_SERVER_UPDATE');
    expect(state?.d).toMatchObject({ guild_id: GUILD, channel_id: VOICE, user_id: ALICE, session_id: alice.sessionId, self_deaf: true, self_mute: false, deaf: false, mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null, member: { user: { id: ALICE } } });
    expect(server?.d).toEqual({ token: `token-for-${alice.sessionId}`, guild_id: GUILD, endpoint: 'voice.test:443' });
    expect(voice.calls[0]).toEqual({ method: 'allocateServer', request: { guildId: GUILD, channelId: VOICE, userId: ALICE, sessionId: alice.sessionId } });

    // Bob sees Alice's state, then his own join: no VOICE_SERVER_UPDATE of Alice ever reaches him.
    expect(await nextVoice(bob.client)).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { user_id: ALICE, channel_id: VOICE } });
    bob.client.send(op4(VOICE));
    const bobFrames = [await nextVoice(bob.client), await nextVoice(bob.client)];
    expect(bobFrames.map((f) => f.t).sort()).toEqual(['VOICE_SERVER_UPDATE', 'VOICE_STATE_UPDATE']);
    expect(bobFrames.find((f) => f.t === 'VOICE_SERVER_UPDATE')?.d.token).toBe(`token-for-${bob.sessionId}`);
    expect(await nextVoice(alice.client)).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { user_id: BOB, channel_id: VOICE } });

    // A new session's GUILD_CREATE lists both voice states.
    const carol = await login('carol');
    expect((carol.guildCreate.d.voice_states as { user_id: string }[]).map((v) => v.user_id).sort()).toEqual([ALICE, BOB]);

    // Leaving: channel_id null to everyone with the intent, RevokeSession on the voice node.
    alice.client.send(op4(null));
    expect(await nextVoice(alice.client)).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { user_id: ALICE, channel_id: null } });
    expect(await nextVoice(carol.client)).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { user_id: ALICE, channel_id: null } });
    await voice.waitFor(() => voice.calls.some((c) => c.method === 'revokeSession'));
    expect(voice.calls.find((c) => c.method === 'revokeSession')?.request).toEqual({ guildId: GUILD, userId: ALICE, sessionId: alice.sessionId });
  });

  it('a member without CONNECT gets no VOICE_SERVER_UPDATE (and neither does anyone while the voice service is down)', async () => {
    const { voice, login, warnings } = await start();
    const carol = await login('carol');
    carol.client.send(op4(LOCKED));
    voice.state.down = true;
    carol.client.send(op4(VOICE));
    await voice.waitFor(() => voice.calls.length === 1);
    voice.state.down = false;
    carol.client.send(op4(VOICE, { self_mute: true }));
    // Op 4s are handled in order: the first VOICE_* frames Carol gets are those of the third op 4.
    const got = [await nextVoice(carol.client), await nextVoice(carol.client)];
    expect(got.map((f) => f.t).sort()).toEqual(['VOICE_SERVER_UPDATE', 'VOICE_STATE_UPDATE']);
    expect(got.find((f) => f.t === 'VOICE_STATE_UPDATE')?.d).toMatchObject({ channel_id: VOICE, self_mute: true });
    expect(voice.calls.filter((c) => c.method === 'allocateServer').map((c) => (c.request as { channelId: string }).channelId)).toEqual([VOICE, VOICE]);
    expect(warnings.filter((w) => w.msg === 'voice state update failed').map((w) => (w.obj as { channelId: string }).channelId)).toEqual([LOCKED, VOICE]);
  });

  it('leaves voice when the session ends: the others get channel_id null and the voice node a RevokeSession', async () => {
    const { voice, login } = await start();
    const alice = await login('alice');
    const bob = await login('bob');
    alice.client.send(op4(VOICE));
    await voice.waitFor(() => voice.calls.length > 0);
    expect(await nextVoice(bob.client)).toMatchObject({ d: { user_id: ALICE, channel_id: VOICE } });
    alice.client.ws.close(1000);
    expect(await nextVoice(bob.client)).toMatchObject({ t: 'VOICE_STATE_UPDATE', d: { user_id: ALICE, channel_id: null, session_id: alice.sessionId } });
    await voice.waitFor(() => voice.calls.some((c) => c.method === 'revokeSession'));
    expect(voice.calls.find((c) => c.method === 'revokeSession')?.request).toEqual({ guildId: GUILD, userId: ALICE, sessionId: alice.sessionId });
  });

  it('closes with 4002 on a malformed op 4 and 4003 before IDENTIFY', async () => {
    const ctx = await start();
    const { login } = ctx;
    const alice = await login('alice');
    alice.client.send({ op: 4, d: { guild_id: GUILD, channel_id: 42, self_mute: false, self_deaf: false } });
    expect((await alice.client.closed).code).toBe(4002);
    const bob = await login('bob');
    bob.client.send({ op: 4, d: { guild_id: GUILD, channel_id: VOICE, self_mute: 'no', self_deaf: false } });
    expect((await bob.client.closed).code).toBe(4002);
    const { httpPort, clients } = ctx;
    const anonymous = await TestClient.open(`ws://127.0.0.1:${httpPort}/?v=10&encoding=json`);
    clients.push(anonymous);
    await anonymous.nextOf(10);
    anonymous.send(op4(VOICE));
    expect((await anonymous.closed).code).toBe(4003);
  });
});
