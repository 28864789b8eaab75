import { messagesV1 } from '@chat/proto';
import { InvalidMemberListError, parseMemberList, StaticMembership } from '@chat/ring';
import { describe, expect, it } from 'vitest';
import { NoDataServiceInstanceError } from './errors';
import { MessagesRouter, type MessageServiceClient } from './messages-router';

/** Clients that record which address served which call, without a network. */
function fakeClients() {
  const calls: { address: string; channelId: string }[] = [];
  const closed: string[] = [];
  const connect = (address: string) =>
    ({
      address,
      close: () => closed.push(address),
      getHistory: async (request: messagesV1.GetHistoryRequest) => {
        calls.push({ address, channelId: request.channelId });
        return { messages: [] };
      },
    }) as unknown as MessageServiceClient;
  return { calls, closed, connect };
}

const channels = Array.from({ length: 200 }, (_, i) => String(1200000000000000000n + BigInt(i) * 4194304n));
const read = (router: MessagesRouter, channelId: string) => router.getHistory({ channelId, limit: 50, anchor: undefined });

describe('MessagesRouter', () => {
  it('sends every call for a channel to one instance, spreads channels over all, one client per instance', async () => {
    const membership = new StaticMembership(parseMemberList('ds-a=10.0.0.1:50051, ds-b=10.0.0.2:50051, ds-c=10.0.0.3:50051', 'data-service instances'));
    const fake = fakeClients();
    const router = new MessagesRouter({ membership, connect: fake.connect });
    await router.start();
    for (let round = 0; round < 3; round++) for (const channelId of channels) await read(router, channelId);
    const addressesByChannel = new Map<string, Set<string>>();
    for (const call of fake.calls) (addressesByChannel.get(call.channelId) ?? addressesByChannel.set(call.channelId, new Set()).get(call.channelId)!).add(call.address);
    expect([...addressesByChannel.values()].every((set) => set.size === 1)).toBe(true);
    const perAddress = new Map<string, number>();
    for (const call of fake.calls) perAddress.set(call.address, (perAddress.get(call.address) ?? 0) + 1);
    expect(perAddress.size).toBe(3);
    expect(router.connectedInstances()).toEqual(['ds-a', 'ds-b', 'ds-c']);
    router.close();
    expect(fake.closed.sort()).toEqual(['10.0.0.1:50051', '10.0.0.2:50051', '10.0.0.3:50051']);
  });

  it('re-routes on a ring change: a leaver\'s channels go to the others, its client is closed, the rest stay put', async () => {
    const membership = new StaticMembership(parseMemberList('ds-a=a:1,ds-b=b:1', 'data-service instances'));
    const fake = fakeClients();
    const router = new MessagesRouter({ membership, connect: fake.connect });
    const before = new Map(channels.map((c) => [c, router.ownerOf(c)]));
    for (const channelId of channels) await read(router, channelId);
    membership.update(parseMemberList('ds-a=a:1,ds-b=b:1,ds-c=c:1', 'data-service instances'));
    const moved = channels.filter((c) => router.ownerOf(c) !== before.get(c));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((c) => router.ownerOf(c) === 'ds-c')).toBe(true);
    membership.update(parseMemberList('ds-a=a:1,ds-c=c:1', 'data-service instances'));
    expect(fake.closed).toEqual(['b:1']);
    fake.calls.length = 0;
    for (const channelId of channels) await read(router, channelId);
    expect(new Set(fake.calls.map((c) => c.address))).toEqual(new Set(['a:1', 'c:1']));
    router.close();
  });

  it('re-makes the client when an instance comes back at another address', async () => {
    const membership = new StaticMembership([{ id: 'ds-a', address: 'old:1' }]);
    const fake = fakeClients();
    const router = new MessagesRouter({ membership, connect: fake.connect });
    await read(router, channels[0]!);
    membership.update([{ id: 'ds-a', address: 'new:1' }]);
    await read(router, channels[0]!);
    expect(fake.calls.map((c) => c.address)).toEqual(['old:1', 'new:1']);
    expect(fake.closed).toEqual(['old:1']);
    router.close();
  });

  it('fails with UNAVAILABLE-kind NoDataServiceInstanceError when the ring is empty', () => {
    const router = new MessagesRouter({ membership: new StaticMembership([]), connect: fakeClients().connect });
    expect(() => router.clientFor(channels[0]!)).toThrow(NoDataServiceInstanceError);
    expect(() => parseMemberList('ds-a@host', 'data-service instances')).toThrow(InvalidMemberListError);
    router.close();
  });
});
