import { guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import type { Store } from '@chat/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GuildNode, actorId } from './guild-node';
import type { AttachInput } from './guild.messages';
import { ids, memberId, seedGuild } from './testing/seed-guild';

let store: Store | undefined;
let node: GuildNode | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await node?.stop();
  await store?.close();
  node = undefined;
  store = undefined;
});

function input(sessionId: string, userId: string): AttachInput {
  return { sessionId, userId, nodeId: 'gw-1', intents: 0, allowPassive: false, largeThreshold: 0, resuming: false };
}

function otherOwner(guildId: string): string {
  for (let i = 0; i < 1000; i += 1) {
    const view = new RingView(new StaticMembership([{ id: 'guild-a', address: 'a:1' }, { id: `guild-b${i}`, address: 'b:1' }]));
    const owner = view.owner(guildId);
    view.close();
    if (owner !== 'guild-a') return owner;
  }
  throw new Error('no layout moves the guild');
}

describe('GuildNode', () => {
  it('keeps guilds with sessions active and passivates them once the last session detaches', async () => {
    store = await seedGuild(3);
    vi.useFakeTimers();
    const membership = new StaticMembership([{ id: 'guild-a', address: 'a:1' }]);
    node = new GuildNode({ nodeId: 'guild-a', ring: new RingView(membership), store, idleTimeoutMs: 1000 });
    await node.ask(ids.guild, (reply) => ({ type: 'attach', input: input('s1', memberId(2)), reply }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(node.isActive(ids.guild)).toBe(true);
    await node.ask(ids.guild, (reply) => ({ type: 'detach', sessionId: 's1', reply }));
    const stopped = node.system.get(actorId(ids.guild))!.whenStopped();
    await vi.advanceTimersByTimeAsync(1500);
    expect((await stopped).kind).toBe('passivated');
    expect(node.isActive(ids.guild)).toBe(false);
  });

  it('hands a guild over with GuildMoved when the ring gives it to another node', async () => {
    store = await seedGuild(3);
    const membership = new StaticMembership([{ id: 'guild-a', address: 'a:1' }]);
    node = new GuildNode({ nodeId: 'guild-a', ring: new RingView(membership), store });
    const stream = node.batcher.open('gw-1');
    node.batcher.resume(stream);
    await node.ask(ids.guild, (reply) => ({ type: 'attach', input: input('s1', memberId(2)), reply }));
    const stopped = node.system.get(actorId(ids.guild))!.whenStopped();
    const newOwner = otherOwner(ids.guild);
    membership.update([{ id: 'guild-a', address: 'a:1' }, { id: newOwner, address: 'b:1' }]);
    await stopped;
    node.batcher.flush();
    const frames: guildV1.StreamDispatchesResponse[] = [];
    stream.close();
    for await (const frame of stream) frames.push(frame);
    const items = frames.flatMap((f) => (f.frame?.$case === 'batch' ? f.frame.batch.items : []));
    expect(items.at(-1)?.item).toEqual({ $case: 'guildMoved', guildMoved: { newOwnerNodeId: newOwner } });
    await expect(node.ask(ids.guild, (reply) => ({ type: 'get-guild', reply }))).rejects.toMatchObject({ kind: 'unavailable', ownerNodeId: newOwner });
  });

  it('detaches the sessions of a gateway node whose stream stays closed past the grace period', async () => {
    store = await seedGuild(3);
    vi.useFakeTimers();
    const membership = new StaticMembership([{ id: 'guild-a', address: 'a:1' }]);
    node = new GuildNode({ nodeId: 'guild-a', ring: new RingView(membership), store, gatewayGraceMs: 500 });
    await node.ask(ids.guild, (reply) => ({ type: 'attach', input: input('s1', memberId(2)), reply }));
    await node.ask(ids.guild, (reply) => ({ type: 'attach', input: { ...input('s2', memberId(3)), nodeId: 'gw-2' }, reply }));
    node.streamEnded('gw-1');
    await vi.advanceTimersByTimeAsync(600);
    await node.ask(ids.guild, (reply) => ({ type: 'get-guild', reply }));
    expect(node.system.get(actorId(ids.guild))?.getSnapshot()).toMatchObject({ sessions: [{ sessionId: 's2', nodeId: 'gw-2' }] });
  });
});
