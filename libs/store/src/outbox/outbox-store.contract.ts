/**
 * The one contract every OutboxStore adapter must pass.
 */
import { InvalidArgumentError } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry, OutboxStore } from './outbox-store.port';

/** What a contract run needs from an adapter. */
export interface OutboxStoreFixture {
  store: OutboxStore;
  dispose?: () => Promise<void>;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return composeSnowflake({ timestampMs: Date.now(), workerId: 5, processId: (counter >> 12) % 32, increment: counter % 4096 });
}

function entry(owner: string, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    owner,
    eventId: newId(),
    kind: 'created',
    channelId: newId(),
    messageIds: [newId()],
    value: new Uint8Array([1, 2, 3, 0, 255]),
    createdAt: new Date(1_700_000_000_123),
    ...overrides,
  };
}

/** Registers the outbox contract for one adapter. */
export function describeOutboxStoreContract(adapter: string, makeFixture: () => Promise<OutboxStoreFixture>): void {
  describe(`OutboxStore contract: ${adapter}`, () => {
    let fixture: OutboxStoreFixture;
    let store: OutboxStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose?.();
    });

    it('stores entries and lists one owner’s in event-id order, byte for byte', async () => {
      const owner = `data-${newId()}`;
      const a = entry(owner, { kind: 'bulk_deleted', messageIds: [newId(), newId(), newId()] });
      const b = entry(owner, { kind: 'updated' });
      const c = entry(owner, { kind: 'deleted', value: new Uint8Array(0) });
      const other = entry(`other-${newId()}`);
      for (const e of [c, other, a, b]) await store.put(e);
      const listed = await store.list(owner, { limit: 10 });
      expect(listed).toEqual([a, b, c]);
      expect(listed[0]!.value).toBeInstanceOf(Uint8Array);
      expect(await store.list(other.owner, { limit: 10 })).toEqual([other]);
    });

    it('pages with afterEventId and limit', async () => {
      const owner = `data-${newId()}`;
      const entries = Array.from({ length: 7 }, () => entry(owner));
      for (const e of entries) await store.put(e);
      const first = await store.list(owner, { limit: 3 });
      expect(first.map((e) => e.eventId)).toEqual(entries.slice(0, 3).map((e) => e.eventId));
      const second = await store.list(owner, { afterEventId: first[2]!.eventId, limit: 3 });
      expect(second.map((e) => e.eventId)).toEqual(entries.slice(3, 6).map((e) => e.eventId));
      const rest = await store.list(owner, { afterEventId: second[2]!.eventId, limit: 3 });
      expect(rest.map((e) => e.eventId)).toEqual([entries[6]!.eventId]);
      expect(await store.list(owner, { afterEventId: entries[6]!.eventId, limit: 3 })).toEqual([]);
    });

    it('removes entries, ignores unknown ids, and a put of the same id overwrites', async () => {
      const owner = `data-${newId()}`;
      const [a, b, c] = [entry(owner), entry(owner), entry(owner)];
      for (const e of [a, b, c]) await store.put(e);
      await store.remove(owner, [a.eventId, c.eventId, newId()]);
      expect(await store.list(owner, { limit: 10 })).toEqual([b]);
      const replaced = { ...b, value: new Uint8Array([9]) };
      await store.put(replaced);
      expect(await store.list(owner, { limit: 10 })).toEqual([replaced]);
      await store.remove(owner, []);
      await store.remove(`nobody-${newId()}`, [b.eventId]);
      expect(await store.list(owner, { limit: 10 })).toHaveLength(1);
    });

    it('rejects bad arguments with InvalidArgumentError and writes nothing', async () => {
      const owner = `data-${newId()}`;
      await expect(store.put(entry(owner, { eventId: 'x1' }))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.put(entry(owner, { kind: 'exploded' as OutboxEntry['kind'] }))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.put(entry(owner, { messageIds: [] }))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.put(entry(''))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.list(owner, { limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.list(owner, { limit: 1001 })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await store.list(owner, { limit: 10 })).toEqual([]);
    });
  });
}
