/**
 * The one contract every ReactionStore adapter must pass, including the
 * concurrency claim: many users reacting at once all count.
 */
import { InvalidArgumentError } from '@chat/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReactionStore, ReactionTarget } from './reaction-store.port';

/** What a contract run needs from an adapter. */
export interface ReactionStoreFixture {
  store: ReactionStore;
  dispose?: () => Promise<void>;
}

let next = 1_000_000n;
const id = () => String(++next);

/** Registers the reactions contract for one adapter. */
export function describeReactionStoreContract(adapter: string, makeFixture: () => Promise<ReactionStoreFixture>): void {
  describe(`ReactionStore contract: ${adapter}`, () => {
    let fixture: ReactionStoreFixture;
    let store: ReactionStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose?.();
    });

    const react = (target: ReactionTarget, userId: string, at: number, emojiName = target.emojiKey) => store.add({ ...target, userId, emojiName, at });

    it('counts each user once per emoji and type, orders emojis by first reaction, and marks the viewer', async () => {
      const channelId = id();
      const messageId = id();
      const [alice, bob] = [id(), id()];
      const thumbs = { channelId, messageId, emojiKey: '👍', type: 0 as const };
      const custom = { channelId, messageId, emojiKey: id(), type: 0 as const };
      expect(await react(custom, alice, 2000, 'party')).toBe(true);
      expect(await react(thumbs, alice, 1000)).toBe(true);
      expect(await react(thumbs, alice, 3000)).toBe(false);
      expect(await react(thumbs, bob, 4000)).toBe(true);
      expect(await react({ ...thumbs, type: 1 }, bob, 5000)).toBe(true);
      const counts = await store.counts(channelId, [messageId, id()], bob);
      expect([...counts.keys()]).toEqual([messageId]);
      expect(counts.get(messageId)).toEqual([
        { emojiKey: '👍', emojiName: '👍', type: 0, count: 2, me: true, firstAt: 1000 },
        { emojiKey: custom.emojiKey, emojiName: 'party', type: 0, count: 1, me: false, firstAt: 2000 },
        { emojiKey: '👍', emojiName: '👍', type: 1, count: 1, me: true, firstAt: 5000 },
      ]);
      expect((await store.counts(channelId, [messageId], undefined)).get(messageId)?.map((c) => c.me)).toEqual([false, false, false]);
    });

    it('pages reactors by user id and removes one, one emoji, or all', async () => {
      const channelId = id();
      const messageId = id();
      const users = [id(), id(), id(), id()];
      const heart = { channelId, messageId, emojiKey: '❤️', type: 0 as const };
      const star = { channelId, messageId, emojiKey: '⭐', type: 0 as const };
      for (const user of [...users].reverse()) await react(heart, user, 1);
      await react(star, users[0] as string, 2);
      expect(await store.reactors(heart, { limit: 2 })).toEqual(users.slice(0, 2));
      expect(await store.reactors(heart, { after: users[1] as string, limit: 100 })).toEqual(users.slice(2));
      expect(await store.reactors({ ...heart, type: 1 }, { limit: 100 })).toEqual([]);
      expect(await store.remove(heart, users[0] as string)).toBe(true);
      expect(await store.remove(heart, users[0] as string)).toBe(false);
      expect((await store.counts(channelId, [messageId], undefined)).get(messageId)?.map((c) => [c.emojiKey, c.count])).toEqual([
        ['❤️', 3],
        ['⭐', 1],
      ]);
      expect(await store.removeEmoji(channelId, messageId, '❤️')).toBe(true);
      expect(await store.removeEmoji(channelId, messageId, '❤️')).toBe(false);
      expect((await store.counts(channelId, [messageId], undefined)).get(messageId)?.map((c) => c.emojiKey)).toEqual(['⭐']);
      expect(await store.removeAll(channelId, messageId)).toBe(true);
      expect(await store.removeAll(channelId, messageId)).toBe(false);
      expect((await store.counts(channelId, [messageId], undefined)).size).toBe(0);
    });

    it('ends with count N after N users react to one message at once', async () => {
      const target = { channelId: id(), messageId: id(), emojiKey: '🎉', type: 0 as const };
      const users = Array.from({ length: 200 }, id);
      const added = await Promise.all(users.map((user, i) => react(target, user, i)));
      await Promise.all(users.slice(0, 50).map((user, i) => react(target, user, 1000 + i)));
      expect(added.every(Boolean)).toBe(true);
      expect((await store.counts(target.channelId, [target.messageId], users[7])).get(target.messageId)).toEqual([
        { emojiKey: '🎉', emojiName: '🎉', type: 0, count: 200, me: true, firstAt: 0 },
      ]);
    });

    it('refuses bad arguments', async () => {
      const target = { channelId: id(), messageId: id(), emojiKey: '', type: 0 as const };
      await expect(react(target, id(), 0)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(react({ ...target, emojiKey: 'x', type: 2 as 0 }, id(), 0)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.reactors({ ...target, emojiKey: 'x' }, { limit: 101 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.counts('nope', [], undefined)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
