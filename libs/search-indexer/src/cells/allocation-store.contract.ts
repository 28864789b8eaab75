/** The contract of AllocationStore, run on SQLite (unit) and Elasticsearch (integration). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationStore } from './allocation-store.port';

/** Registers the suite for one adapter; `create` returns a fresh, empty store and its disposal. */
export function allocationStoreContract(adapter: string, create: () => Promise<{ store: AllocationStore; dispose(): Promise<void> }>): void {
  describe(`AllocationStore contract: ${adapter}`, () => {
    let store: AllocationStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ store, dispose } = await create());
    });
    afterAll(async () => {
      await dispose();
    });

    it('stores an allocation once: the first writer wins', async () => {
      expect(await store.get('g:1')).toBeUndefined();
      expect(await store.putIfAbsent('g:1', 'a')).toBe('a');
      expect(await store.putIfAbsent('g:1', 'b')).toBe('a');
      expect(await store.get('g:1')).toBe('a');
    });

    it('keeps one allocation under racing writers', async () => {
      const results = await Promise.all(['a', 'b', 'c', 'a', 'b'].map((cell) => store.putIfAbsent('u:9', cell)));
      expect(new Set(results).size).toBe(1);
      expect(await store.get('u:9')).toBe(results[0]);
    });

    it('replaces an allocation with set (the admin pin) and counts scopes per cell', async () => {
      await store.putIfAbsent('g:2', 'a');
      await store.set('g:2', 'c');
      expect(await store.get('g:2')).toBe('c');
      const counts = await store.counts();
      const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
      expect(total).toBe(3);
      expect(counts.get('c')).toBeGreaterThanOrEqual(1);
    });
  });
}
