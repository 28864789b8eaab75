import { StaticMembership } from '@chat/ring';
import { RemoteCallError } from '@chat/rpc';
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

  it('withOwner retries an unavailable owner on the node the guild moved to, and gives up after retryForMs', async () => {
    const membership = new StaticMembership([
      { id: 'guild-a', address: 'a:1' },
      { id: 'guild-b', address: 'b:1' },
    ]);
    const router = new GuildRouter({ membership, connect: fakeConnect([]) });
    const guildId = Array.from({ length: 50 }, (_, i) => String(100000000000000000n + BigInt(i) * 4194304n)).find((g) => router.ownerOf(g) === 'guild-a')!;
    const tried: string[] = [];
    const result = await router.withOwner(
      guildId,
      async (client) => {
        tried.push(client.address);
        if (client.address === 'a:1') {
          if (tried.length === 2) membership.update([{ id: 'guild-b', address: 'b:1' }]); // the probe drops guild-a
          throw new RemoteCallError('unavailable', '/chat.guild.v1.GuildService/PublishEvent', 14, 'connection refused');
        }
        return 'published';
      },
      { retryForMs: 5000 },
    );
    expect(result).toBe('published');
    expect(tried).toEqual(['a:1', 'a:1', 'b:1']);

    const started = Date.now();
    let calls = 0;
    await expect(
      router.withOwner(guildId, async () => {
        calls += 1;
        throw new RemoteCallError('unavailable', '/x', 14, 'down');
      }, { retryForMs: 350 }),
    ).rejects.toBeInstanceOf(RemoteCallError);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(1000);

    let notFound = 0;
    await expect(router.withOwner(guildId, async () => {
      notFound += 1;
      throw new RemoteCallError('not_found', '/x', 5, 'no guild');
    }, { retryForMs: 5000 })).rejects.toBeInstanceOf(RemoteCallError);
    expect(notFound).toBe(1);
    router.close();
  });
});
