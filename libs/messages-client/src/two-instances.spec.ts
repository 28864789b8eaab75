/**
 * Channel-affine routing across two real data-service processes
 * (apps/data-service, spawned twice on free ports): every read of a channel
 * lands on the instance that owns it on the ring, and channels spread over
 * both. Each process has its own in-memory store, so a read that went to the
 * wrong instance would not find the channel's message.
 */
import { messagesV1 } from '@chat/proto';
import { StaticMembership } from '@chat/ring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesRouter } from './messages-router';
import { startDataService, type DataServiceProcess } from './test-data-service-process';

describe('two data-service processes behind the ring', () => {
  let instances: DataServiceProcess[] = [];
  let router: MessagesRouter;

  beforeAll(async () => {
    instances = await Promise.all([
      startDataService('ds-a', { CHAT_SNOWFLAKE_WORKER_ID: '1' }),
      startDataService('ds-b', { CHAT_SNOWFLAKE_WORKER_ID: '2' }),
    ]);
    router = new MessagesRouter({ membership: new StaticMembership(instances.map((i) => ({ id: i.nodeId, address: i.grpc }))) });
    await router.start();
  }, 30_000);

  afterAll(async () => {
    router?.close();
    await Promise.all(instances.map((instance) => instance.stop()));
  });

  it('lands every read of a channel on its owner and spreads channels over both', async () => {
    const channels = Array.from({ length: 40 }, (_, i) => String(1200000000000000000n + BigInt(i) * 4194304n));
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
