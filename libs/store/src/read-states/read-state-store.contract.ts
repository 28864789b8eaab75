/**
 * The one contract every ReadStateStore adapter must pass.
 */
import { InvalidArgumentError } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadState, ReadStateStore } from './read-state-store.port';

/** What a contract run needs from an adapter. */
export interface ReadStateStoreFixture {
  store: ReadStateStore;
  dispose?: () => Promise<void>;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return composeSnowflake({ timestampMs: Date.now(), workerId: 4, processId: (counter >> 12) % 32, increment: counter % 4096 });
}

/** Registers the read-states contract for one adapter. */
export function describeReadStateStoreContract(adapter: string, makeFixture: () => Promise<ReadStateStoreFixture>): void {
  describe(`ReadStateStore contract: ${adapter}`, () => {
    let fixture: ReadStateStoreFixture;
    let store: ReadStateStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.store.close();
      await fixture?.dispose?.();
    });

    it('upserts a batch, reads one back, lists a user by channel id', async () => {
      const user = newId();
      const [c1, c2, c3] = [newId(), newId(), newId()];
      const states: ReadState[] = [
        { userId: user, channelId: c3 as string, lastMessageId: newId(), mentionCount: 2, lastPinTimestamp: new Date(1_700_000_000_000) },
        { userId: user, channelId: c1 as string, lastMessageId: null, mentionCount: 0, lastPinTimestamp: null },
        { userId: newId(), channelId: c2 as string, lastMessageId: newId(), mentionCount: 7, lastPinTimestamp: null },
      ];
      await store.upsertMany(states);
      expect(await store.get(user, c3 as string)).toEqual(states[0]);
      expect(await store.get(user, c1 as string)).toEqual(states[1]);
      expect(await store.get(user, c2 as string)).toBeUndefined();
      expect(await store.listByUser(user)).toEqual([states[1], states[0]]);
      expect(await store.listByUser(newId())).toEqual([]);
    });

    it('an upsert replaces the whole row (last write wins, even within one batch)', async () => {
      const user = newId();
      const channel = newId();
      const m1 = newId();
      const m2 = newId();
      await store.upsertMany([{ userId: user, channelId: channel, lastMessageId: m1, mentionCount: 3, lastPinTimestamp: new Date(5) }]);
      await store.upsertMany([{ userId: user, channelId: channel, lastMessageId: m2, mentionCount: 0, lastPinTimestamp: null }]);
      expect(await store.get(user, channel)).toEqual({ userId: user, channelId: channel, lastMessageId: m2, mentionCount: 0, lastPinTimestamp: null });
      await store.upsertMany([
        { userId: user, channelId: channel, lastMessageId: m1, mentionCount: 1, lastPinTimestamp: null },
        { userId: user, channelId: channel, lastMessageId: m2, mentionCount: 9, lastPinTimestamp: null },
      ]);
      expect((await store.get(user, channel))?.mentionCount).toBe(9);
    });

    it('writes a large batch across many users', async () => {
      const users = Array.from({ length: 20 }, () => newId());
      const states = users.flatMap((userId) =>
        Array.from({ length: 25 }, (_, i) => ({ userId, channelId: newId(), lastMessageId: newId(), mentionCount: i, lastPinTimestamp: null })),
      );
      await store.upsertMany(states);
      for (const userId of [users[0], users[19]] as string[]) {
        const listed = await store.listByUser(userId);
        expect(listed).toHaveLength(25);
        expect(listed.map((s) => s.mentionCount)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      }
    });

    it('an empty batch is a no-op; a bad entry rejects the whole batch before writing', async () => {
      await store.upsertMany([]);
      const user = newId();
      const channel = newId();
      await expect(
        store.upsertMany([
          { userId: user, channelId: channel, lastMessageId: null, mentionCount: 1, lastPinTimestamp: null },
          { userId: user, channelId: newId(), lastMessageId: null, mentionCount: -1, lastPinTimestamp: null },
        ]),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.upsertMany([{ userId: 'me', channelId: channel, lastMessageId: null, mentionCount: 0, lastPinTimestamp: null }])).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await store.get(user, channel)).toBeUndefined();
    });

    it('keeps lastMentionId when given, and leaves it out when not', async () => {
      const user = newId();
      const [c1, c2] = [newId(), newId()];
      const mention = newId();
      await store.upsertMany([
        { userId: user, channelId: c1, lastMessageId: null, mentionCount: 2, lastPinTimestamp: null, lastMentionId: mention },
        { userId: user, channelId: c2, lastMessageId: null, mentionCount: 0, lastPinTimestamp: null, lastMentionId: null },
      ]);
      expect(await store.get(user, c1)).toEqual({ userId: user, channelId: c1, lastMessageId: null, mentionCount: 2, lastPinTimestamp: null, lastMentionId: mention });
      const plain = await store.get(user, c2);
      expect(plain).toBeDefined();
      expect('lastMentionId' in plain!).toBe(false);
      await expect(store.upsertMany([{ userId: user, channelId: c1, lastMessageId: null, mentionCount: 0, lastPinTimestamp: null, lastMentionId: 'x' }])).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('deletes one state', async () => {
      const user = newId();
      const channel = newId();
      await store.upsertMany([{ userId: user, channelId: channel, lastMessageId: null, mentionCount: 1, lastPinTimestamp: null }]);
      expect(await store.delete(user, channel)).toBe(true);
      expect(await store.delete(user, channel)).toBe(false);
      expect(await store.get(user, channel)).toBeUndefined();
    });
  });
}
