/**
 * Channel-affine routing across two real data-service processes
 * (apps/data-service, spawned twice on free ports): every read of a channel
 * lands on the instance that owns it on the ring, and channels spread over
 * both. Each process has its own SQLite file holding the same channels, so a
 * read that went to the wrong instance would not find the channel's message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@chat/store';
import { messagesV1 } from '@chat/proto';
import { StaticMembership } from '@chat/ring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesRouter } from './messages-router';
import { startDataService, type DataServiceProcess } from './test-data-service-process';

describe('two data-service processes behind the ring', () => {
  let instances: DataServiceProcess[] = [];
  let router: MessagesRouter;

  const channels = Array.from({ length: 40 }, (_, i) => String(1200000000000000000n + BigInt(i) * 4194304n));
  const dir = mkdtempSync(join(tmpdir(), 'chat-two-instances-'));

  /** A SQLite file with one guild holding every test channel, as the data service's unknown-channel check needs. */
  async function seededDatabase(name: string): Promise<string> {
    const path = join(dir, `${name}.db`);
    const store = await openStore({ backend: 'sqlite', path });
    const guildId = '1100000000000000000';
    await store.guilds.createGuild({ id: guildId, name: 'routing', ownerId: '1100000000000000001' });
    for (const channelId of channels) await store.guilds.createChannel({ id: channelId, type: 0, guildId, name: `c-${channelId}` });
    await store.close();
    return path;
  }

  beforeAll(async () => {
    const [a, b] = await Promise.all([seededDatabase('ds-a'), seededDatabase('ds-b')]);
    instances = await Promise.all([
      startDataService('ds-a', { CHAT_SNOWFLAKE_WORKER_ID: '1', CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: a }),
      startDataService('ds-b', { CHAT_SNOWFLAKE_WORKER_ID: '2', CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: b }),
    ]);
    router = new MessagesRouter({ membership: new StaticMembership(instances.map((i) => ({ id: i.nodeId, address: i.grpc }))) });
    await router.start();
  }, 30_000);

  afterAll(async () => {
    router?.close();
    await Promise.all(instances.map((instance) => instance.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lands every read of a channel on its owner and spreads channels over both', async () => {
    const owned = new Map<string, string[]>(instances.map((i) => [i.nodeId, []]));
    for (const channelId of channels) {
      owned.get(router.ownerOf(channelId))!.push(channelId);
      await router.createMessage(messagesV1.CreateMessageRequest.fromPartial({ channelId, authorId: '1100000000000000001', content: `hello ${channelId}` }));
    }
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        channels.map(async (channelId) => {
          const page = await router.getHistory({ channelId, limit: 10, anchor: undefined });
          expect(page.messages.map((m) => m.content)).toEqual([`hello ${channelId}`]);
        }),
      );
    }
    for (const instance of instances) {
      const mine = owned.get(instance.nodeId)!.length;
      expect(mine).toBeGreaterThan(0);
      // Reads may coalesce, so count requests in (not store queries): 3 per owned channel, none for the others.
      expect(await instance.counter('chat_data_requests_total', 'method="GetHistory"')).toBe(3 * mine);
      expect(await instance.counter('chat_data_requests_total', 'method="CreateMessage"')).toBe(mine);
    }
    expect(router.connectedInstances()).toEqual(['ds-a', 'ds-b']);
  });
});
