import { GuildRouter, notOwnedBy } from '@chat/guild-client';
import { guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import type { Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '@chat/actor';
import { actorId } from './guild-node';
import type { GuildSnapshot } from './guild.actor';
import type { GuildMsg } from './guild.messages';
import { startGuildServer, type TestGuildServer } from './testing/guild-server';
import { ids, memberId, seedGuild } from './testing/seed-guild';

let store: Store | undefined;
let guildServer: TestGuildServer | undefined;
let router: GuildRouter | undefined;

afterEach(async () => {
  router?.close();
  await guildServer?.stop();
  await store?.close();
  router = undefined;
  guildServer = undefined;
  store = undefined;
});

function message(n: number): guildV1.Dispatch {
  const d = { id: String(500000000000000000n + BigInt(n)), channel_id: ids.general, guild_id: ids.guild, content: `m${n}`, author: { id: ids.owner } };
  return { type: 'MESSAGE_CREATE', payloadJson: Buffer.from(JSON.stringify(d)), redactedPayloadJson: Buffer.alloc(0) };
}

/** Reads a stream in the background, collecting frames; `next(n)` waits until n frames arrived. */
function collect(stream: AsyncIterable<guildV1.StreamDispatchesResponse>) {
  const frames: guildV1.StreamDispatchesResponse[] = [];
  let notify: (() => void) | undefined;
  const done = (async () => {
    try {
      for await (const frame of stream) {
        frames.push(frame);
        notify?.();
      }
    } catch {
      // cancelled at the end of the test
    }
  })();
  const next = async (count: number) => {
    while (frames.length < count) await new Promise<void>((resolve) => (notify = resolve));
  };
  return { frames, next, done };
}

function ownerAwayFrom(guildId: string, self: string): string {
  for (let i = 0; i < 1000; i += 1) {
    const other = `guild-b${i}`;
    const view = new RingView(new StaticMembership([{ id: self, address: 'x:1' }, { id: other, address: 'x:2' }]));
    const owner = view.owner(guildId);
    view.close();
    if (owner === other) return other;
  }
  throw new Error('no ring layout puts the guild on the other node');
}

describe('GuildService over gRPC (loopback)', () => {
  it('sends one batch frame per flush to a gateway node, however many of its sessions are attached', async () => {
    store = await seedGuild(21);
    guildServer = await startGuildServer(store, 'guild-a', [], { flushIntervalMs: 60_000, maxBatchItems: 10, idleFlush: false });
    router = new GuildRouter({ membership: guildServer.membership });
    const client = router.clientFor(ids.guild);
    const abort = new AbortController();
    const stream = collect(client.streamDispatches({ nodeId: 'gw-1', cursors: [] }, { signal: abort.signal }));
    await stream.next(1);
    expect(stream.frames[0]?.frame?.$case).toBe('hello');

    for (let i = 2; i <= 21; i += 1) {
      const response = await client.attachSession({ sessionId: `s${i}`, userId: memberId(i), nodeId: 'gw-1', guildIds: [ids.guild], intents: 1 << 9, allowPassive: false, largeThreshold: 0, resuming: false, movedFromSequence: '0' });
      expect(response.guilds).toHaveLength(1);
    }
    const before = guildServer.node.batcher.stats.frames;
    await Promise.all(Array.from({ length: 10 }, (_, n) => client.publishEvent({ guildId: ids.guild, dispatch: message(n), dedupeKey: '' })));
    await stream.next(2);
    const batch = stream.frames[1]?.frame;
    expect(batch?.$case).toBe('batch');
    expect(batch?.$case === 'batch' && batch.batch.items.length).toBe(10);
    // 20 sessions x 10 dispatches would be 200 sends; the node wrote one frame.
    expect(guildServer.node.batcher.stats.frames - before).toBe(1);
    abort.abort();
    await stream.done;
  });

  it('replays from a cursor when the stream is reopened', async () => {
    store = await seedGuild(3);
    guildServer = await startGuildServer(store, 'guild-a');
    router = new GuildRouter({ membership: guildServer.membership });
    const client = router.clientFor(ids.guild);
    const first = new AbortController();
    const s1 = collect(client.streamDispatches({ nodeId: 'gw-1', cursors: [] }, { signal: first.signal }));
    await s1.next(1);
    const attached = await client.attachSession({ sessionId: 's', userId: memberId(2), nodeId: 'gw-1', guildIds: [ids.guild], intents: 1 << 9, allowPassive: false, largeThreshold: 0, resuming: false, movedFromSequence: '0' });
    const cursor = attached.guilds[0]!.sequence;
    first.abort();
    await s1.done;
    const published = await client.publishEvent({ guildId: ids.guild, dispatch: message(1), dedupeKey: '' });
    const s2 = collect(client.streamDispatches({ nodeId: 'gw-1', cursors: [{ guildId: ids.guild, sequence: cursor }] }));
    await s2.next(2);
    const hello = s2.frames[0]?.frame;
    expect(hello?.$case === 'hello' && hello.hello).toMatchObject({ guildNodeId: 'guild-a', incarnation: guildServer.node.incarnation, resyncGuildIds: [] });
    const batch = s2.frames[1]?.frame;
    expect(batch?.$case === 'batch' && batch.batch.items.map((i) => i.sequence)).toEqual([published.sequence]);
  });

  it('attaches many sessions in one AttachSessions call, one result per entry in request order', async () => {
    store = await seedGuild(5);
    guildServer = await startGuildServer(store, 'guild-a');
    router = new GuildRouter({ membership: guildServer.membership });
    const client = router.clientFor(ids.guild);
    const entry = (sessionId: string, userId: string) => ({ sessionId, userId, nodeId: 'gw-1', guildIds: [ids.guild], intents: 1 << 9, allowPassive: false, largeThreshold: 0, resuming: false, movedFromSequence: '0' });
    const response = await client.attachSessions({ sessions: [entry('s2', memberId(2)), entry('x', '999999999999999999'), entry('s3', memberId(3))] });
    expect(response.results.map((r) => [r.guilds.map((g) => g.guildId), r.notMemberGuildIds])).toEqual([
      [[ids.guild], []],
      [[], [ids.guild]],
      [[ids.guild], []],
    ]);
    expect(JSON.parse(response.results[0]!.guilds[0]!.guildCreateJson.toString()).id).toBe(ids.guild);
    const actor = guildServer.node.system.get(actorId(ids.guild)) as ActorRef<GuildMsg, GuildSnapshot>;
    expect(actor.getSnapshot()?.sessions.map((s) => s.sessionId)).toEqual(['s2', 's3']);
    await expect(client.attachSessions({ sessions: [entry('s4', 'nope')] })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('detaches many sessions in one DetachSessions call, and a user who goes offline gets one PRESENCE_UPDATE', async () => {
    store = await seedGuild(21);
    guildServer = await startGuildServer(store, 'guild-a');
    router = new GuildRouter({ membership: guildServer.membership });
    const client = router.clientFor(ids.guild);
    const abort = new AbortController();
    const stream = collect(client.streamDispatches({ nodeId: 'gw-1', cursors: [] }, { signal: abort.signal }));
    await stream.next(1);
    const online = { status: guildV1.PresenceStatus.ONLINE, activitiesJson: Buffer.from('[]'), sinceMs: '0', afk: false, platform: 'desktop' };
    for (let i = 2; i <= 21; i += 1) {
      await client.attachSession({ sessionId: `s${i}`, userId: memberId(i), nodeId: 'gw-1', guildIds: [ids.guild], intents: 1 << 9, allowPassive: false, largeThreshold: 0, resuming: false, movedFromSequence: '0', ...(i === 2 ? { presence: online } : {}) });
    }
    const actor = guildServer.node.system.get(actorId(ids.guild)) as ActorRef<GuildMsg, GuildSnapshot>;
    expect(actor.getSnapshot()?.sessionCount).toBe(20);
    const sessions = Array.from({ length: 19 }, (_, n) => ({ sessionId: `s${n + 2}`, userId: memberId(n + 2), nodeId: 'gw-1', guildIds: n === 0 ? [] : [ids.guild] }));
    await client.detachSessions({ sessions });
    expect(actor.getSnapshot()?.sessions.map((s) => s.sessionId)).toEqual(['s21']);
    // Detaching again is a no-op (idempotent), and an empty call answers.
    await client.detachSessions({ sessions });
    await client.detachSessions({ sessions: [] });
    expect(actor.getSnapshot()?.sessionCount).toBe(1);
    // Only memberId(2) had a presence: its last session went, so one offline PRESENCE_UPDATE went out.
    while (!stream.frames.some((f) => f.frame?.$case === 'batch' && f.frame.batch.items.some((i) => i.item?.$case === 'dispatch' && i.item.dispatch.type === 'PRESENCE_UPDATE' && i.item.dispatch.payloadJson.toString().includes('offline')))) {
      await stream.next(stream.frames.length + 1);
    }
    await expect(client.detachSessions({ sessions: [{ sessionId: '', userId: memberId(2), nodeId: 'gw-1', guildIds: [] }] })).rejects.toMatchObject({ kind: 'invalid' });
    abort.abort();
    await stream.done;
  });

  it('refuses guilds this node does not own and names the owner', async () => {
    store = await seedGuild(3);
    const other = ownerAwayFrom(ids.guild, 'guild-a');
    guildServer = await startGuildServer(store, 'guild-a', [{ id: other, address: '127.0.0.1:9' }]);
    router = new GuildRouter({ membership: guildServer.membership });
    expect(router.ownerOf(ids.guild)).toBe(other);
    const client = router.clientForNode('guild-a');
    const error = await client.getGuild({ guildId: ids.guild }).catch((e: unknown) => e);
    expect(notOwnedBy(error)).toBe(other);
    const attach = await client.attachSession({ sessionId: 's', userId: memberId(2), nodeId: 'gw-1', guildIds: [ids.guild], intents: 0, allowPassive: false, largeThreshold: 0, resuming: false, movedFromSequence: '0' });
    expect(attach.unavailableGuildIds).toEqual([ids.guild]);
  });

  it('answers GetGuild, GetPermissions and ListMembers, and rejects bad input', async () => {
    store = await seedGuild(5);
    guildServer = await startGuildServer(store, 'guild-a');
    router = new GuildRouter({ membership: guildServer.membership });
    const client = router.clientFor(ids.guild);
    const guild = await client.getGuild({ guildId: ids.guild });
    expect(guild.memberCount).toBe(5);
    expect((JSON.parse(guild.guildJson.toString()) as { name: string }).name).toBe('Test guild');
    const perms = await client.getPermissions({ guildId: ids.guild, userId: memberId(2), channelId: ids.general });
    expect(BigInt(perms.permissions) & (1n << 10n)).toBe(1n << 10n);
    const members = await client.listMembers({ guildId: ids.guild, query: '', userIds: [], after: '', limit: 2, includePresences: false });
    expect(members.membersJson).toHaveLength(2);
    await expect(client.getGuild({ guildId: 'abc' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(client.getGuild({ guildId: '123' })).rejects.toMatchObject({ kind: 'not_found' });
    // Voice: a session that is not attached to the guild cannot change a voice state; a member not in voice cannot be moderated.
    await expect(client.updateVoiceState({ guildId: ids.guild, userId: memberId(2), sessionId: 's', selfMute: false, selfDeaf: false, selfVideo: false })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(client.updateVoiceState({ guildId: ids.guild, userId: memberId(2), sessionId: 's', channelId: 'x', selfMute: false, selfDeaf: false, selfVideo: false })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(client.moderateVoiceState({ guildId: ids.guild, userId: memberId(2), actorUserId: ids.owner, disconnect: true })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('Target user is not connected to voice') });
  });
});
