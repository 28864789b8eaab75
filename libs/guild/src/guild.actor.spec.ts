import { ActorSystem, type ActorRef } from '@chat/actor';
import { guildV1 } from '@chat/proto';
import type { Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import { guildBehaviour, type GuildSnapshot } from './guild.actor';
import type { AttachInput, GuildMsg } from './guild.messages';
import { ids, memberId, seedGuild } from './testing/seed-guild';

interface Queued {
  nodeId: string;
  guildId: string;
  item: guildV1.DispatchItem;
}

function recorder() {
  const queued: Queued[] = [];
  return {
    queued,
    enqueue: (nodeId: string, guildId: string, item: guildV1.DispatchItem) => queued.push({ nodeId, guildId, item }),
    replace: (nodeId: string, guildId: string, items: guildV1.DispatchItem[]) => items.forEach((item) => queued.push({ nodeId, guildId, item })),
  };
}

function input(sessionId: string, userId: string, nodeId = 'gw-1', extra: Partial<AttachInput> = {}): AttachInput {
  return { sessionId, userId, nodeId, intents: (1 << 0) | (1 << 9), allowPassive: true, largeThreshold: 0, resuming: false, ...extra };
}

function message(channelId: string, id: string): guildV1.Dispatch {
  return {
    type: 'MESSAGE_CREATE',
    payloadJson: Buffer.from(JSON.stringify({ id, channel_id: channelId, guild_id: ids.guild, content: 'hi', author: { id: ids.owner } })),
    redactedPayloadJson: Buffer.alloc(0),
  };
}

let system: ActorSystem;
let store: Store;

afterEach(async () => {
  await system?.stopAll();
  await store?.close();
});

async function start(members: number, passiveThreshold = 75) {
  store = await seedGuild(members);
  const outbox = recorder();
  system = new ActorSystem();
  const ref: ActorRef<GuildMsg, GuildSnapshot> = system.spawn(
    'guild',
    guildBehaviour(ids.guild, { store, outbox, passiveThreshold, replayCapacity: 100, listChunk: 3, initialSequence: () => 1000n }),
  );
  const attach = (i: AttachInput) => ref.ask<guildV1.GuildAttachment | undefined>((reply) => ({ type: 'attach', input: i, reply }));
  const publish = (dispatch: guildV1.Dispatch, dedupeKey = '') => ref.ask<guildV1.PublishEventResponse>((reply) => ({ type: 'publish', dispatch, dedupeKey, reply }));
  return { ref, outbox, attach, publish };
}

describe('guild actor', () => {
  it('activates from the store and answers attach with GUILD_CREATE and the snapshot sequence', async () => {
    const { ref, attach } = await start(3);
    const attachment = await attach(input('s1', memberId(2)));
    expect(attachment?.sequence).toBe('1000');
    expect(attachment?.mode).toBe(guildV1.SessionMode.ACTIVE);
    const d = JSON.parse(attachment!.guildCreateJson.toString()) as Record<string, unknown>;
    expect(d['id']).toBe(ids.guild);
    expect(d['member_count']).toBe(3);
    expect((d['channels'] as unknown[]).length).toBe(2);
    expect((d['roles'] as unknown[]).length).toBe(2);
    expect((d['members'] as unknown[]).length).toBe(3);
    expect(d['joined_at']).toBe('2024-01-02T00:00:00.000Z');
    expect(attachment?.access?.viewableChannelIds).toEqual([ids.general]);
    expect(ref.getSnapshot()).toMatchObject({ memberCount: 3, sessions: [{ sessionId: 's1', nodeId: 'gw-1' }] });
  });

  it('refuses non-members and leaves resuming snapshots empty', async () => {
    const { attach } = await start(3);
    expect(await attach(input('s1', '999999999999999999'))).toBeUndefined();
    const resumed = await attach(input('s2', memberId(2), 'gw-1', { resuming: true }));
    expect(resumed?.guildCreateJson.length).toBe(0);
  });

  it('fences the old gateway node when a session is attached from another, and ignores its late detach', async () => {
    const { ref, outbox, attach, publish } = await start(3);
    await attach(input('s1', memberId(2), 'gw-1'));
    await publish(message(ids.general, '1'));
    const moved = await attach(input('s1', memberId(2), 'gw-2', { resuming: true }));
    await publish(message(ids.general, '2'));
    const fence = outbox.queued.find((q) => q.item.item?.$case === 'sessionMoved');
    expect(fence?.nodeId).toBe('gw-1');
    expect(fence?.item.item).toEqual({ $case: 'sessionMoved', sessionMoved: { sessionId: 's1', nodeId: 'gw-2' } });
    // Everything up to the fence went to the old node; the new attachment's snapshot sequence is the fence's, so the new node starts after it.
    expect(moved?.sequence).toBe(fence?.item.sequence);
    const toOld = outbox.queued.filter((q) => q.nodeId === 'gw-1').map((q) => q.item.item?.$case);
    expect(toOld.at(-1)).toBe('sessionMoved');
    expect(outbox.queued.filter((q) => q.nodeId === 'gw-2').map((q) => q.item.item?.$case)).toEqual(['dispatch']);
    // The old node forgetting the session does not take it from the new one.
    await ref.ask<void>((reply) => ({ type: 'detach', sessionId: 's1', nodeId: 'gw-1', reply }));
    expect(ref.getSnapshot()).toMatchObject({ sessions: [{ sessionId: 's1', nodeId: 'gw-2' }] });
    await ref.ask<void>((reply) => ({ type: 'detach', sessionId: 's1', nodeId: 'gw-2', reply }));
    expect(ref.getSnapshot()).toMatchObject({ sessions: [] });
  });

  it('after a guild move, sends a gateway node every item emitted here before its sessions came, once', async () => {
    const { outbox, attach, publish } = await start(3);
    await publish(message(ids.general, '1'));
    await publish(message(ids.general, '2'));
    expect(outbox.queued).toHaveLength(0); // no session here yet: nothing went anywhere
    const first = await attach(input('s1', memberId(2), 'gw-1', { resuming: true, movedFromSequence: 77n }));
    await attach(input('s2', memberId(3), 'gw-1', { resuming: true, movedFromSequence: 77n }));
    expect(first?.movedIncomplete).toBe(false);
    expect(outbox.queued.map((q) => [q.nodeId, q.item.sequence])).toEqual([
      ['gw-1', '1001'],
      ['gw-1', '1002'],
    ]);
  });

  it('says a move is incomplete when its replay log already dropped items', async () => {
    store = await seedGuild(3);
    system = new ActorSystem();
    const ref: ActorRef<GuildMsg, GuildSnapshot> = system.spawn('guild', guildBehaviour(ids.guild, { store, outbox: recorder(), passiveThreshold: 75, replayCapacity: 1, listChunk: 3, initialSequence: () => 1000n }));
    for (const id of ['1', '2']) await ref.ask<guildV1.PublishEventResponse>((reply) => ({ type: 'publish', dispatch: message(ids.general, id), dedupeKey: '', reply }));
    const attached = await ref.ask<guildV1.GuildAttachment | undefined>((reply) => ({ type: 'attach', input: input('s1', memberId(2), 'gw-1', { resuming: true, movedFromSequence: 5n }), reply }));
    expect(attached?.movedIncomplete).toBe(true);
  });

  it('queues one item per gateway node however many sessions it has there', async () => {
    const { attach, publish, outbox } = await start(6);
    for (let i = 2; i <= 5; i += 1) await attach(input(`a${i}`, memberId(i), 'gw-1'));
    await attach(input('b6', memberId(6), 'gw-2'));
    const published = await publish(message(ids.general, '500000000000000001'));
    expect(published).toEqual({ sequence: '1001', duplicate: false });
    const dispatches = outbox.queued.filter((q) => q.item.item?.$case === 'dispatch');
    expect(dispatches.map((q) => q.nodeId).sort()).toEqual(['gw-1', 'gw-2']);
    const dispatch = dispatches[0]!.item.item;
    expect(dispatch?.$case === 'dispatch' && dispatch.dispatch.filter).toMatchObject({ channelId: ids.general, intents: 1 << 9, audience: guildV1.Audience.ACTIVE, authorId: ids.owner });
  });

  it('acknowledges a repeated dedupe key without a second dispatch', async () => {
    const { attach, publish, outbox } = await start(3);
    await attach(input('s1', memberId(2)));
    const first = await publish(message(ids.general, '500000000000000001'), 'm1');
    const again = await publish(message(ids.general, '500000000000000001'), 'm1');
    expect(again).toEqual({ sequence: first.sequence, duplicate: true });
    expect(outbox.queued.filter((q) => q.item.item?.$case === 'dispatch')).toHaveLength(1);
  });

  it('attaches sessions passive above the threshold and upgrades them on subscribe', async () => {
    const { ref, attach, publish, outbox } = await start(4, 3);
    const attached = await attach(input('p1', memberId(2)));
    expect(attached?.mode).toBe(guildV1.SessionMode.PASSIVE);
    const bot = await attach(input('bot', memberId(3), 'gw-1', { allowPassive: false }));
    expect(bot?.mode).toBe(guildV1.SessionMode.ACTIVE);
    await publish(message(ids.general, '500000000000000009'));
    const types = outbox.queued.map((q) => (q.item.item?.$case === 'dispatch' ? q.item.item.dispatch.type : q.item.item?.$case));
    expect(types).toEqual(['MESSAGE_CREATE', 'PASSIVE_UPDATE_V1']);
    const result = await ref.ask<{ mode: guildV1.SessionMode } | undefined>((reply) => ({ type: 'subscribe', sessionId: 'p1', active: true, reply }));
    expect(result?.mode).toBe(guildV1.SessionMode.ACTIVE);
    expect(outbox.queued.at(-1)?.item.item).toEqual({ $case: 'sessionMode', sessionMode: { sessionId: 'p1', mode: guildV1.SessionMode.ACTIVE } });
  });

  it('emits MemberAccess before the dispatch when a role change opens a channel', async () => {
    const { attach, publish, outbox } = await start(3);
    await attach(input('s1', memberId(2)));
    await store.guilds.updateMember(ids.guild, memberId(2), { roleIds: [ids.mods] });
    await publish({
      type: 'GUILD_MEMBER_UPDATE',
      payloadJson: Buffer.from(JSON.stringify({ guild_id: ids.guild, user: { id: memberId(2) }, roles: [ids.mods] })),
      redactedPayloadJson: Buffer.alloc(0),
    });
    const [access, dispatch] = outbox.queued.map((q) => q.item.item);
    expect(access).toEqual({ $case: 'memberAccess', memberAccess: { userId: memberId(2), roleIds: [ids.mods], viewableChannelIds: [ids.general, ids.secret] } });
    expect(dispatch?.$case).toBe('dispatch');
  });

  it('sends MemberRemoved after GUILD_MEMBER_REMOVE and forgets the sessions', async () => {
    const { ref, attach, publish, outbox } = await start(3);
    await attach(input('s1', memberId(2)));
    await store.guilds.removeMember(ids.guild, memberId(2));
    await publish({ type: 'GUILD_MEMBER_REMOVE', payloadJson: Buffer.from(JSON.stringify({ guild_id: ids.guild, user: { id: memberId(2) } })), redactedPayloadJson: Buffer.alloc(0) });
    expect(outbox.queued.map((q) => q.item.item?.$case)).toEqual(['dispatch', 'memberRemoved']);
    expect(ref.getSnapshot()?.sessions).toEqual([]);
    expect(ref.getSnapshot()?.memberCount).toBe(2);
  });

  it('computes permissions and pages members across turns', async () => {
    const { ref } = await start(8);
    const perms = await ref.ask<guildV1.GetPermissionsResponse>((reply) => ({ type: 'get-permissions', userId: memberId(2), channelId: ids.secret, reply }));
    expect(perms).toEqual({ member: true, permissions: '0', roleIds: [] });
    const owner = await ref.ask<guildV1.GetPermissionsResponse>((reply) => ({ type: 'get-permissions', userId: ids.owner, reply }));
    expect(BigInt(owner.permissions) > 0n).toBe(true);
    const request = { guildId: ids.guild, query: '', userIds: [], after: '', limit: 5, includePresences: false };
    const page = await ref.ask<guildV1.ListMembersResponse>((reply) => ({ type: 'list-members', request, reply }));
    expect(page.membersJson).toHaveLength(5);
    expect(page.nextAfter).toBe(memberId(5));
    const rest = await ref.ask<guildV1.ListMembersResponse>((reply) => ({ type: 'list-members', request: { ...request, after: page.nextAfter }, reply }));
    expect(rest.membersJson.map((m) => (JSON.parse(m.toString()) as { user: { id: string } }).user.id)).toEqual([memberId(6), memberId(7), memberId(8)]);
    expect(rest.nextAfter).toBe('');
    const byName = await ref.ask<guildV1.ListMembersResponse>((reply) => ({ type: 'list-members', request: { ...request, query: 'USER7' }, reply }));
    expect(byName.membersJson).toHaveLength(1);
  });

  it('replays from a cursor, and refuses a cursor older than the log', async () => {
    const { ref, attach, publish, outbox } = await start(3);
    await attach(input('s1', memberId(2)));
    for (let i = 1; i <= 3; i += 1) await publish(message(ids.general, `50000000000000000${i}`));
    outbox.queued.length = 0;
    expect(await ref.ask<boolean>((reply) => ({ type: 'replay', nodeId: 'gw-1', after: 1001n, reply }))).toBe(true);
    expect(outbox.queued.map((q) => q.item.sequence)).toEqual(['1002', '1003']);
    expect(await ref.ask<boolean>((reply) => ({ type: 'replay', nodeId: 'gw-1', after: 5n, reply }))).toBe(false);
  });

  it('removes every attached member and stops after GUILD_DELETE', async () => {
    const { ref, attach, publish, outbox } = await start(3);
    await attach(input('s1', memberId(2)));
    await attach(input('s2', memberId(3), 'gw-2'));
    const stopped = ref.whenStopped();
    await publish({ type: 'GUILD_DELETE', payloadJson: Buffer.from(JSON.stringify({ id: ids.guild })), redactedPayloadJson: Buffer.alloc(0) });
    expect(outbox.queued.map((q) => [q.nodeId, q.item.item?.$case])).toEqual([
      ['gw-1', 'dispatch'],
      ['gw-2', 'dispatch'],
      ['gw-1', 'memberRemoved'],
      ['gw-2', 'memberRemoved'],
    ]);
    expect((await stopped).kind).toBeDefined();
  });

  it('lists only online members and the session itself in GUILD_CREATE above large_threshold', async () => {
    const { attach } = await start(60);
    await attach(input('online', memberId(10), 'gw-1', { presence: { status: 'online', activities: [], clientStatus: { desktop: 'online' } } }));
    const attachment = await attach(input('me', memberId(20), 'gw-1', { largeThreshold: 50 }));
    const d = JSON.parse(attachment!.guildCreateJson.toString()) as { large: boolean; member_count: number; members: { user: { id: string } }[]; presences: unknown[] };
    expect(d.large).toBe(true);
    expect(d.member_count).toBe(60);
    expect(d.members.map((m) => m.user.id).sort()).toEqual([memberId(10), memberId(20)]);
    expect(d.presences).toHaveLength(1);
  });
});
