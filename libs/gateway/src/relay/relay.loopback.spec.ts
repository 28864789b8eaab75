/**
 * End to end on loopback: a real guild node (GrpcServer + GuildService) and
 * this gateway node's GatewayRelay with fake local sessions. Imports the
 * guild service only here, to test the contract between the two sides.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test of the guild↔gateway stream contract needs a real guild node
import { GuildNode, guildServiceHandlers } from '@chat/guild';
import { GuildRouter } from '@chat/guild-client';
import { guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import { GrpcServer } from '@chat/rpc';
import { openStore, type Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayRelay } from './gateway-relay';
import { type DispatchFrame, type LocalSession } from './local-sessions';

const GUILD = '100000000000000001';
const OWNER = '200000000000000001';
const ALICE = '200000000000000002';
const BOB = '200000000000000003';
const GENERAL = '300000000000000001';
const SECRET = '300000000000000002';
const MODS = '400000000000000001';

async function seed(): Promise<Store> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  for (const [id, name] of [[OWNER, 'owner'], [ALICE, 'alice'], [BOB, 'bob']] as const) await store.users.createUser({ id, username: name });
  await store.guilds.createGuild({ id: GUILD, name: 'Loopback', ownerId: OWNER });
  await store.guilds.createRole({ id: GUILD, guildId: GUILD, name: '@everyone', permissions: String((1n << 10n) | (1n << 11n)) });
  await store.guilds.createRole({ id: MODS, guildId: GUILD, name: 'mods', permissions: '0' });
  await store.guilds.createChannel({ id: GENERAL, type: 0, guildId: GUILD, name: 'general' });
  await store.guilds.createChannel({ id: SECRET, type: 0, guildId: GUILD, name: 'secret' });
  await store.guilds.setPermissionOverwrite(SECRET, { id: GUILD, type: 0, allow: '0', deny: String(1n << 10n) });
  await store.guilds.setPermissionOverwrite(SECRET, { id: MODS, type: 0, allow: String(1n << 10n), deny: '0' });
  for (const id of [OWNER, ALICE, BOB]) await store.guilds.addMember({ guildId: GUILD, userId: id, joinedAt: new Date() });
  return store;
}

interface FakeSession extends LocalSession {
  frames: DispatchFrame[];
  waitFor(predicate: (frames: DispatchFrame[]) => boolean): Promise<void>;
}

function fakeSession(sessionId: string, userId: string, intents: number): FakeSession {
  const frames: DispatchFrame[] = [];
  const waiters: (() => void)[] = [];
  return {
    sessionId,
    userId,
    intents,
    allowPassive: false,
    largeThreshold: 0,
    frames,
    deliver(frame) {
      frames.push(frame);
      for (const wake of waiters.splice(0)) wake();
    },
    async waitFor(predicate) {
      while (!predicate(frames)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

async function startGuildNode(store: Store, membership: StaticMembership) {
  const ring = new RingView(membership);
  const node = new GuildNode({ nodeId: 'guild-a', ring, store, flushIntervalMs: 2 });
  const server = new GrpcServer();
  server.addService(guildV1.GuildServiceService, guildServiceHandlers(node));
  const port = await server.listen('127.0.0.1', 0);
  membership.update([{ id: 'guild-a', address: `127.0.0.1:${port}` }]);
  return {
    node,
    async stop() {
      await node.stop();
      await server.stop(50);
      ring.close();
    },
  };
}

function message(id: string, channelId: string, content: string, mentions: string[] = []): guildV1.PublishEventRequest {
  const d = { id, channel_id: channelId, guild_id: GUILD, content, author: { id: OWNER }, mentions: mentions.map((m) => ({ id: m })) };
  return {
    guildId: GUILD,
    dedupeKey: id,
    dispatch: { type: 'MESSAGE_CREATE', payloadJson: Buffer.from(JSON.stringify(d)), redactedPayloadJson: Buffer.alloc(0), filter: { intents: 0, audience: 0, mentionedUserIds: mentions, mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [] } },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('guild node → GatewayRelay → local sessions (loopback gRPC)', () => {
  it('attaches, filters by intents, VIEW_CHANNEL and content intent, and shares one frame', async () => {
    const store = await seed();
    cleanups.push(() => store.close());
    const guildMembership = new StaticMembership([{ id: 'guild-a', address: '127.0.0.1:1' }]);
    const guildNode = await startGuildNode(store, guildMembership);
    cleanups.push(() => guildNode.stop());
    const router = new GuildRouter({ membership: guildMembership });
    cleanups.push(() => router.close());
    const relay = new GatewayRelay({ nodeId: 'gw-1', guilds: router, timeoutMs: 2000 });
    cleanups.push(() => relay.close());

    const owner = fakeSession('owner', OWNER, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent);
    const owner2 = fakeSession('owner-2', OWNER, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent);
    const alice = fakeSession('alice', ALICE, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    const bob = fakeSession('bob', BOB, GatewayIntentBits.Guilds);
    for (const s of [owner, owner2, alice, bob]) {
      relay.register(s);
      const result = await relay.attachGuilds(s.sessionId, [GUILD]);
      expect(result.attached.map((a) => a.guildId)).toEqual([GUILD]);
      expect(JSON.parse(result.attached[0]!.guildCreateJson.toString())).toMatchObject({ id: GUILD, member_count: 3 });
    }
    const client = router.clientFor(GUILD);
    await client.publishEvent(message('500000000000000001', GENERAL, 'hello all'));
    await client.publishEvent(message('500000000000000002', SECRET, 'mods only'));
    await owner.waitFor((f) => f.length === 2);
    await alice.waitFor((f) => f.length === 1);
    expect(owner.frames.map((f) => f.body.toString().includes('mods only') || f.body.toString().includes('hello all'))).toEqual([true, true]);
    expect(owner2.frames[0]).toBe(owner.frames[0]);
    expect(JSON.parse(`{${alice.frames[0]!.body.toString()}}`)).toMatchObject({ t: 'MESSAGE_CREATE', d: { content: '' } });
    expect(bob.frames).toHaveLength(0);

    // Alice becomes a mod: MemberAccess reaches the relay before the next dispatch.
    await store.guilds.updateMember(GUILD, ALICE, { roleIds: [MODS] });
    await client.publishEvent({ guildId: GUILD, dedupeKey: '', dispatch: { type: 'GUILD_MEMBER_UPDATE', payloadJson: Buffer.from(JSON.stringify({ guild_id: GUILD, user: { id: ALICE }, roles: [MODS] })), redactedPayloadJson: Buffer.alloc(0) } });
    await client.publishEvent(message('500000000000000003', SECRET, 'welcome alice', [ALICE]));
    await alice.waitFor((f) => f.some((frame) => frame.body.toString().includes('welcome alice')));
    expect(bob.frames).toHaveLength(0);

    // Sessions that attach or go away together cost one AttachSessions / DetachSessions call to the guild node.
    const burst = Array.from({ length: 5 }, (_, i) => fakeSession(`burst-${i}`, ALICE, GatewayIntentBits.Guilds));
    const batchesBefore = relay.attaches.stats.batchCalls;
    for (const s of burst) relay.register(s);
    const results = await Promise.all(burst.map((s) => relay.attachGuilds(s.sessionId, [GUILD])));
    expect(results.map((r) => r.attached.length)).toEqual([1, 1, 1, 1, 1]);
    expect(relay.attaches.stats.batchCalls - batchesBefore).toBe(1);
    expect(relay.attaches.stats.singleCalls).toBe(0);
    await Promise.all(burst.map((s) => relay.unregister(s.sessionId)));
    expect(relay.detaches.stats).toEqual({ batchCalls: 1, singleCalls: 0, requests: 5 });
    expect(relay.relayOf(GUILD)?.size).toBe(4);
  });

  it('tells sessions GUILD_DELETE unavailable when the guild node is lost, then GUILD_CREATE when it is back', async () => {
    const store = await seed();
    cleanups.push(() => store.close());
    const guildMembership = new StaticMembership([{ id: 'guild-a', address: '127.0.0.1:1' }]);
    const first = await startGuildNode(store, guildMembership);
    const router = new GuildRouter({ membership: guildMembership });
    cleanups.push(() => router.close());
    const relay = new GatewayRelay({ nodeId: 'gw-1', guilds: router, timeoutMs: 2000, retryMs: 20 });
    cleanups.push(() => relay.close());
    const owner = fakeSession('owner', OWNER, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent);
    relay.register(owner);
    await relay.attachGuilds('owner', [GUILD]);

    await first.stop();
    await owner.waitFor((f) => f.some((frame) => frame.type === 'GUILD_DELETE'));
    expect(JSON.parse(`{${owner.frames.find((f) => f.type === 'GUILD_DELETE')!.body.toString()}}`)).toEqual({ t: 'GUILD_DELETE', d: { id: GUILD, unavailable: true } });

    const second = await startGuildNode(store, guildMembership);
    cleanups.push(() => second.stop());
    await owner.waitFor((f) => f.some((frame) => frame.type === 'GUILD_CREATE'));
    await router.clientFor(GUILD).publishEvent(message('500000000000000009', GENERAL, 'back again'));
    await owner.waitFor((f) => f.some((frame) => frame.body.toString().includes('back again')));
    expect(owner.frames.map((f) => f.type)).toEqual(['GUILD_DELETE', 'GUILD_CREATE', 'MESSAGE_CREATE']);
  });
});
