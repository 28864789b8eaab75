import { StaticMembership } from '@chat/ring';
import { describe, expect, it } from 'vitest';
import { NoGuildNodeError } from './errors';
import { GuildRouter, type GuildServiceClient } from './guild-router';

function fakeConnect(made: string[]) {
  return (address: string) => {
    made.push(address);
    return { address, close: () => undefined } as unknown as GuildServiceClient;
  };
}

describe('GuildRouter', () => {
  it('groups guilds by owner and keeps one client per node until its address changes', () => {
    const membership = new StaticMembership([
      { id: 'guild-a', address: '10.0.0.1:1' },
      { id: 'guild-b', address: '10.0.0.2:1' },
    ]);
    const made: string[] = [];
    const router = new GuildRouter({ membership, connect: fakeConnect(made) });
    const guildIds = Array.from({ length: 50 }, (_, i) => String(100000000000000000n + BigInt(i) * 4194304n));
    const groups = router.groupByOwner(guildIds);
    expect([...groups.keys()].sort()).toEqual(['guild-a', 'guild-b']);
    expect([...groups.values()].flat().sort()).toEqual([...guildIds].sort());
    for (const id of guildIds) expect(router.clientFor(id).address).toBe(router.ownerOf(id) === 'guild-a' ? '10.0.0.1:1' : '10.0.0.2:1');
    expect(made.sort()).toEqual(['10.0.0.1:1', '10.0.0.2:1']);
    membership.update([
      { id: 'guild-a', address: '10.0.0.9:1' },
      { id: 'guild-b', address: '10.0.0.2:1' },
    ]);
    expect(router.clientForNode('guild-a').address).toBe('10.0.0.9:1');
    router.close();
  });

  it('fails with NoGuildNodeError on an empty ring', () => {
    const router = new GuildRouter({ membership: new StaticMembership([]), connect: fakeConnect([]) });
    expect(() => router.clientFor('1')).toThrow(NoGuildNodeError);
    router.close();
  });
});
