import { decodeEnvelope, encodeEnvelope, createEnvelope, MemoryEventBus, MESSAGES_TOPIC, READ_STATES_TOPIC, type BusRecord } from '@chat/bus';
import { Permission } from '@chat/permissions';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type ReadState, type ReadStateStore, type Store } from '@chat/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidReadStateFieldError } from './errors';
import { mentionConsumer } from './mention-consumer';
import { ReadStateCache } from './read-state-cache';
import { readStatesHandlers } from './read-states.grpc';
import { ReadStatesService } from './read-states-service';

const ids = new SnowflakeGenerator({ workerId: 3, processId: 3 });
const id = () => ids.next();

/** A guild with an owner, a role, members and two channels, one hidden from @everyone. */
async function seedGuild(store: Store) {
  const [guildId, owner, alice, bob, carol, roleId, general, hidden] = [id(), id(), id(), id(), id(), id(), id(), id()];
  await store.guilds.createGuild({ id: guildId, name: 'G', ownerId: owner });
  await store.guilds.createRole({ id: guildId, guildId, name: '@everyone', permissions: String(Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES) });
  await store.guilds.createRole({ id: roleId, guildId, name: 'mods', permissions: '0', position: 1 });
  await store.guilds.createChannel({ id: general, type: 0, guildId, name: 'general' });
  await store.guilds.createChannel({ id: hidden, type: 0, guildId, name: 'hidden', permissionOverwrites: [{ id: guildId, type: 0, allow: '0', deny: String(Permission.VIEW_CHANNEL) }, { id: roleId, type: 0, allow: String(Permission.VIEW_CHANNEL), deny: '0' }] });
  const joinedAt = new Date();
  for (const userId of [owner, alice, bob, carol]) {
    await store.guilds.addMember({ guildId, userId, joinedAt, roleIds: userId === carol ? [roleId] : [] });
  }
  return { guildId, owner, alice, bob, carol, roleId, general, hidden };
}

function mentions(channelId: string, guildId: string | undefined, authorId: string, over: Partial<{ mentionUserIds: string[]; mentionRoleIds: string[]; mentionEveryone: boolean }> = {}) {
  return { channelId, guildId, authorId, mentionUserIds: [], mentionRoleIds: [], mentionEveryone: false, ...over };
}

describe('read states', () => {
  let store: Store;
  let bus: MemoryEventBus;
  let cache: ReadStateCache;
  let service: ReadStatesService;
  let writes: ReadState[][];

  const build = (readStates: ReadStateStore, flushDelayMs = 20, maxEntries = 1000) => {
    cache = new ReadStateCache({ store: readStates, maxEntries, flushDelayMs, flushBatch: 100 });
    service = new ReadStatesService({ cache, store: readStates, guilds: store.guilds, bus, nextEventId: id, memberPageSize: 2 });
  };

  beforeEach(async () => {
    store = await openStore({ backend: 'sqlite', path: ':memory:' });
    bus = new MemoryEventBus({ partitions: 1 });
    writes = [];
    const recording: ReadStateStore = {
      get: (u, c) => store.readStates.get(u, c),
      listByUser: (u) => store.readStates.listByUser(u),
      upsertMany: async (states) => {
        writes.push(states.map((s) => ({ ...s })));
        await store.readStates.upsertMany(states);
      },
      delete: (u, c) => store.readStates.delete(u, c),
      close: async () => undefined,
    };
    build(recording);
  });
  afterEach(async () => {
    await cache.close();
    await bus.close();
    await store.close();
  });

  it('an ack moves the marker, resets mentions, never moves back (unless marking unread), and is written in one batch after the delay', async () => {
    const [user, channel] = [id(), id()];
    const m1 = id();
    const m2 = id();
    expect(await service.ack({ userId: user, channelId: channel, messageId: m2, sessionId: 's1' })).toMatchObject({ lastMessageId: m2, mentionCount: 0 });
    expect((await service.ack({ userId: user, channelId: channel, messageId: m1, sessionId: 's1' })).lastMessageId).toBe(m2);
    expect(await store.readStates.get(user, channel)).toBeUndefined(); // not written yet
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.readStates.get(user, channel)).toMatchObject({ lastMessageId: m2, mentionCount: 0 });
    expect(writes).toHaveLength(1);
    expect(await service.ack({ userId: user, channelId: channel, messageId: m1, mentionCount: 3, sessionId: 's1' })).toMatchObject({ lastMessageId: m1, mentionCount: 3 });
  });

  it('publishes ReadStateAcked keyed by user with the acking session', async () => {
    const seen: BusRecord[] = [];
    await bus.subscribe(READ_STATES_TOPIC, 'gateway-x', async (r) => void seen.push(r), { fromBeginning: true });
    const [user, channel, message] = [id(), id(), id()];
    await service.ack({ userId: user, channelId: channel, messageId: message, sessionId: 'session-1' });
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.key).toBe(user);
    const event = decodeEnvelope(seen[0]!.value).event;
    expect(event?.$case === 'readStateAcked' && event.readStateAcked).toMatchObject({ sessionId: 'session-1', readState: { userId: user, channelId: channel, lastMessageId: message, mentionCount: 0 } });
  });

  it('answers an ack while the bus does not answer (MESSAGE_ACK is best effort)', async () => {
    let publishes = 0;
    const silent = { publish: () => ((publishes += 1), new Promise<void>(() => undefined)), subscribe: bus.subscribe.bind(bus), close: async () => undefined };
    service = new ReadStatesService({ cache, store: store.readStates, guilds: store.guilds, bus: silent, nextEventId: id, memberPageSize: 2 });
    const [user, channel, message] = [id(), id(), id()];
    const answered = await Promise.race([
      service.ack({ userId: user, channelId: channel, messageId: message, sessionId: 's1' }),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 1_000)),
    ]);
    expect(answered).toMatchObject({ lastMessageId: message, mentionCount: 0 });
    expect(publishes).toBe(1);
  });

  it('counts user, role and @everyone mentions for members who can view the channel, never the author, once per message', async () => {
    const g = await seedGuild(store);
    const m1 = id();
    await service.messageCreated(m1, mentions(g.general, g.guildId, g.alice, { mentionUserIds: [g.bob, g.alice] }));
    expect((await service.get(g.bob, g.general)).mentionCount).toBe(1);
    expect((await service.get(g.alice, g.general))).toMatchObject({ lastMessageId: m1, mentionCount: 0 }); // the author has read it
    await service.messageCreated(m1, mentions(g.general, g.guildId, g.alice, { mentionUserIds: [g.bob] })); // redelivered
    expect((await service.get(g.bob, g.general)).mentionCount).toBe(1);

    const m2 = id();
    await service.messageCreated(m2, mentions(g.hidden, g.guildId, g.owner, { mentionEveryone: true }));
    // hidden: only the owner (author, excluded) and carol (role overwrite) can view it
    expect((await service.get(g.carol, g.hidden)).mentionCount).toBe(1);
    expect((await service.get(g.bob, g.hidden)).mentionCount).toBe(0);
    expect((await service.get(g.alice, g.hidden)).mentionCount).toBe(0);

    const m3 = id();
    await service.messageCreated(m3, mentions(g.general, g.guildId, g.owner, { mentionRoleIds: [g.roleId] }));
    expect((await service.get(g.carol, g.general)).mentionCount).toBe(1);
    expect((await service.get(g.bob, g.general)).mentionCount).toBe(1);

    const m4 = id();
    await service.messageCreated(m4, mentions(g.general, g.guildId, g.carol, { mentionEveryone: true }));
    expect((await service.get(g.bob, g.general)).mentionCount).toBe(2);
    expect((await service.get(g.alice, g.general)).mentionCount).toBe(1);
    expect((await service.get(g.carol, g.general))).toMatchObject({ mentionCount: 0, lastMessageId: m4 });
    // An ack resets, and a mention at or below the marker does not count.
    await service.ack({ userId: g.bob, channelId: g.general, messageId: m4, sessionId: '' });
    await service.messageCreated(m3, mentions(g.general, g.guildId, g.owner, { mentionUserIds: [g.bob] }));
    expect((await service.get(g.bob, g.general)).mentionCount).toBe(0);
  });

  it('counts DM mentions of the recipients only', async () => {
    const [dm, author, other] = [id(), id(), id()];
    await service.messageCreated(id(), mentions(dm, undefined, author, { mentionUserIds: [other, author] }));
    expect((await service.get(other, dm)).mentionCount).toBe(1);
    expect((await service.get(author, dm)).mentionCount).toBe(0);
  });

  it('the bus consumer applies MessageCreated envelopes, ignores other events, and rejects garbage so the bus retries it', async () => {
    const [channel, author, mentioned] = [id(), id(), id()];
    const handler = mentionConsumer(service);
    const record = (value: Uint8Array): BusRecord => ({ topic: MESSAGES_TOPIC, partition: 0, offset: '0', key: channel, value, headers: {}, timestamp: new Date(), attempt: 1 });
    const created = createEnvelope(
      { $case: 'messageCreated', messageCreated: { message: { id: id(), channelId: channel, authorId: author, content: 'hi', tts: false, mentionEveryone: false, mentionUserIds: [mentioned], mentionRoleIds: [], attachmentsJson: Buffer.alloc(0), embedsJson: Buffer.alloc(0), nonce: '', pinned: false, type: 0, flags: 0, componentsJson: Buffer.alloc(0), interactionMetadataJson: Buffer.alloc(0), authorOverrideJson: Buffer.alloc(0) }, recipientUserIds: [author, mentioned] } },
      { eventId: id(), occurredAt: new Date() },
    );
    await handler(record(encodeEnvelope(created)));
    expect((await service.get(mentioned, channel)).mentionCount).toBe(1);
    await handler(record(encodeEnvelope(createEnvelope({ $case: 'messageDeleted', messageDeleted: { messageId: id(), channelId: channel, authorId: author, recipientUserIds: [] } }, { eventId: id(), occurredAt: new Date() }))));
    await expect(handler(record(new Uint8Array([0xff, 0xff, 0xff])))).rejects.toThrow();
  });

  it('lists a user’s states: stored ones overlaid by newer cached ones, by channel id, without empty ones', async () => {
    const user = id();
    const [c1, c2, c3] = [id(), id(), id()];
    const m = id();
    await store.readStates.upsertMany([{ userId: user, channelId: c2, lastMessageId: m, mentionCount: 5, lastPinTimestamp: null }]);
    await service.get(user, c3); // a zero state in the cache is not listed
    await service.ack({ userId: user, channelId: c1, messageId: m, sessionId: '' });
    await service.ack({ userId: user, channelId: c2, messageId: id(), sessionId: '' });
    const listed = await service.list(user);
    expect(listed.map((s) => [s.channelId, s.mentionCount])).toEqual([
      [c1, 0],
      [c2, 0],
    ]);
    expect((await service.list(user, [c3, c1])).map((s) => s.channelId)).toEqual([c1, c3]);
  });

  it('writes a dirty entry when it is evicted, and everything on close', async () => {
    build({ ...store.readStates, upsertMany: async (states) => void (writes.push([...states]), await store.readStates.upsertMany(states)), get: (u, c) => store.readStates.get(u, c), listByUser: (u) => store.readStates.listByUser(u), delete: (u, c) => store.readStates.delete(u, c), close: async () => undefined }, 60_000, 2);
    const user = id();
    const [c1, c2, c3] = [id(), id(), id()];
    for (const c of [c1, c2, c3]) await service.ack({ userId: user, channelId: c, messageId: id(), sessionId: '' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cache.size).toBe(2);
    expect((await store.readStates.get(user, c1))?.lastMessageId).toBeTruthy(); // evicted dirty -> a flush at once
    const c4 = id();
    await service.ack({ userId: user, channelId: c4, messageId: id(), sessionId: '' }); // evicts c2, already written
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.readStates.get(user, c4)).toBeUndefined(); // only in memory (60 s delay)
    await cache.close();
    expect((await store.readStates.listByUser(user)).map((s) => s.channelId).sort()).toEqual([c1, c2, c3, c4].sort());
  });

  it('keeps a change whose write failed and writes it at the next flush', async () => {
    let fail = true;
    build({ get: (u, c) => store.readStates.get(u, c), listByUser: (u) => store.readStates.listByUser(u), delete: (u, c) => store.readStates.delete(u, c), close: async () => undefined, upsertMany: async (states) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      await store.readStates.upsertMany(states);
    } }, 10);
    const [user, channel, message] = [id(), id(), id()];
    await service.ack({ userId: user, channelId: channel, messageId: message, sessionId: '' });
    await cache.flush();
    expect(await store.readStates.get(user, channel)).toBeUndefined();
    expect(cache.dirty).toBe(1);
    await cache.flush();
    expect((await store.readStates.get(user, channel))?.lastMessageId).toBe(message);
  });

  it('the gRPC handlers refuse malformed ids with INVALID_ARGUMENT and answer zero states', async () => {
    const handlers = readStatesHandlers(service);
    const ctx = {} as never;
    await expect(handlers.ack({ userId: 'me', channelId: id(), messageId: id(), sessionId: '' }, ctx)).rejects.toBeInstanceOf(InvalidReadStateFieldError);
    await expect(handlers.ack({ userId: id(), channelId: id(), messageId: id(), mentionCount: -1, sessionId: '' }, ctx)).rejects.toBeInstanceOf(InvalidReadStateFieldError);
    await expect(handlers.getReadStates({ userId: id(), channelIds: ['x'] }, ctx)).rejects.toBeInstanceOf(InvalidReadStateFieldError);
    const [user, channel] = [id(), id()];
    expect(await handlers.getReadState({ userId: user, channelId: channel }, ctx)).toEqual({ readState: { userId: user, channelId: channel, lastMessageId: '', mentionCount: 0, lastPinTimestamp: undefined } });
  });
});
