/**
 * The one contract every RecordStore adapter must pass.
 */
import { InvalidArgumentError } from '@chat/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from './record-store.port';

/** What a contract run needs from an adapter; `advance` moves time forward (SQLite's clock) or waits (Scylla). */
export interface RecordStoreFixture {
  store: RecordStore;
  advanceSeconds: (seconds: number) => Promise<void>;
  dispose?: () => Promise<void>;
}

let counter = 0;
const partitionName = () => `p${Date.now()}-${++counter}`;

/** Registers the records contract for one adapter. */
export function describeRecordStoreContract(adapter: string, makeFixture: () => Promise<RecordStoreFixture>): void {
  describe(`RecordStore contract: ${adapter}`, () => {
    let fixture: RecordStoreFixture;
    let store: RecordStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose?.();
    });

    it('puts, gets, lists a partition in key order, and keeps kinds and partitions apart', async () => {
      const p = partitionName();
      await store.put('a', p, '20', '{"n":20}');
      await store.put('a', p, '100', '{"n":100}');
      await store.put('a', p, '3', '{"n":3}');
      await store.put('b', p, '3', 'other kind');
      await store.put('a', `${p}x`, '3', 'other partition');
      expect(await store.get('a', p, '3')).toBe('{"n":3}');
      expect(await store.get('a', p, '4')).toBeUndefined();
      expect(await store.list('a', p)).toEqual([
        { key: '100', value: '{"n":100}' },
        { key: '20', value: '{"n":20}' },
        { key: '3', value: '{"n":3}' },
      ]);
      await store.put('a', p, '3', 'replaced');
      expect(await store.get('a', p, '3')).toBe('replaced');
      expect(await store.list('a', 'nobody-here')).toEqual([]);
    });

    it('deletes and says whether the record was there', async () => {
      const p = partitionName();
      await store.put('a', p, 'k', 'v');
      expect(await store.delete('a', p, 'k')).toBe(true);
      expect(await store.delete('a', p, 'k')).toBe(false);
      expect(await store.get('a', p, 'k')).toBeUndefined();
    });

    it('inserts only when absent, and exactly one of two racing inserts wins', async () => {
      const p = partitionName();
      expect(await store.insertIfAbsent('c', p, 'k', 'first')).toBe(true);
      expect(await store.insertIfAbsent('c', p, 'k', 'second')).toBe(false);
      expect(await store.get('c', p, 'k')).toBe('first');
      const race = await Promise.all([store.insertIfAbsent('c', p, 'r', 'x'), store.insertIfAbsent('c', p, 'r', 'y')]);
      expect(race.filter(Boolean)).toHaveLength(1);
      expect(await store.get('c', p, 'r')).toBe(race[0] ? 'x' : 'y');
    });

    it('replaces only while the value is the expected one', async () => {
      const p = partitionName();
      await store.insertIfAbsent('c', p, 'k', 'pending');
      expect(await store.replaceIf('c', p, 'k', 'answered', 'deferred')).toBe(false);
      expect(await store.replaceIf('c', p, 'k', 'pending', 'answered')).toBe(true);
      expect(await store.replaceIf('c', p, 'k', 'pending', 'failed')).toBe(false);
      expect(await store.get('c', p, 'k')).toBe('answered');
      expect(await store.replaceIf('c', p, 'missing', 'pending', 'x')).toBe(false);
      expect(await store.get('c', p, 'missing')).toBeUndefined();
    });

    it('forgets a record after its TTL, and an expired record can be inserted again', async () => {
      const p = partitionName();
      // Two seconds: Scylla counts expiry in whole seconds from the current one, so a TTL of 1 may end at once.
      await store.insertIfAbsent('t', p, 'k', 'short', { ttlSeconds: 2 });
      await store.put('t', p, 'kept', 'forever');
      expect(await store.get('t', p, 'k')).toBe('short');
      await fixture.advanceSeconds(3);
      expect(await store.get('t', p, 'k')).toBeUndefined();
      expect(await store.list('t', p)).toEqual([{ key: 'kept', value: 'forever' }]);
      expect(await store.replaceIf('t', p, 'k', 'short', 'revived')).toBe(false);
      expect(await store.insertIfAbsent('t', p, 'k', 'again', { ttlSeconds: 60 })).toBe(true);
      expect(await store.get('t', p, 'k')).toBe('again');
    });

    it('refuses empty or oversized ids and bad TTLs', async () => {
      await expect(store.get('', 'p', 'k')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.put('a', 'x'.repeat(201), 'k', 'v')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.put('a', 'p', 'k', 'v', { ttlSeconds: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.insertIfAbsent('a', 'p', 'k', 'v', { ttlSeconds: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
