import type { ReadState, ReadStateStore } from '@chat/store';

/** Options of a {@link ReadStateCache}. */
export interface ReadStateCacheOptions {
  store: ReadStateStore;
  /** Entries kept in memory (LRU). */
  maxEntries: number;
  /** Longest time a changed entry stays unwritten, in ms (0: write at the next tick). */
  flushDelayMs: number;
  /** Entries per store write. */
  flushBatch: number;
  /** Logs a failed write (the entries stay dirty and are retried). */
  onFlushError?: (error: unknown) => void;
}

interface Entry {
  state: ReadState;
  dirty: boolean;
}

const keyOf = (userId: string, channelId: string) => `${userId}:${channelId}`;

/**
 * The read-states service's memory: a bounded LRU of read states in front of
 * the store, as Discord's service keeps one. Reads load on a miss (one load
 * per key at a time); changes mark the entry dirty and are written in
 * batches `flushDelayMs` after the first change, when a dirty entry is
 * evicted, and on `close()`. A crash loses at most the changes of the last
 * `flushDelayMs`; a graceful stop loses nothing.
 */
export class ReadStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** Dirty entries that were evicted before they were written. */
  private evicted: ReadState[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dirtyCount = 0;
  private closed = false;
  /** Store writes done (batches), for metrics and tests. */
  writes = 0;

  constructor(private readonly options: ReadStateCacheOptions) {}

  /** Entries in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** Entries changed and not yet written (including evicted ones). */
  get dirty(): number {
    return this.dirtyCount + this.evicted.length;
  }

  /** The read state of (user, channel): from memory, else the store, else a zero state. */
  async get(userId: string, channelId: string): Promise<ReadState> {
    return { ...(await this.entry(userId, channelId)).state };
  }

  /** The cached states of a user (newer than the store's until written). */
  cachedOf(userId: string): ReadState[] {
    return [...(this.byUser.get(userId) ?? [])].flatMap((key) => {
      const entry = this.entries.get(key);
      return entry ? [{ ...entry.state }] : [];
    });
  }

  /**
   * Changes one read state: `change` gets the current state and returns the
   * new one (or undefined for no change). Runs after the entry is loaded;
   * changes of one key apply in call order.
   */
  async update(userId: string, channelId: string, change: (state: ReadState) => ReadState | undefined): Promise<ReadState> {
    const entry = await this.entry(userId, channelId);
    const next = change({ ...entry.state });
    if (next !== undefined) {
      entry.state = next;
      if (!entry.dirty) {
        entry.dirty = true;
        this.dirtyCount += 1;
      }
      this.schedule();
    }
    return { ...entry.state };
  }

  /** Writes every dirty entry now. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeDirty());
    return this.flushing;
  }

  /** Writes everything and stops the timer (call after whatever changes entries has stopped). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.dirty > 0) await this.flush();
  }

  private async entry(userId: string, channelId: string): Promise<Entry> {
    const key = keyOf(userId, channelId);
    const cached = this.entries.get(key);
    if (cached) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    let load = this.loading.get(key);
    if (!load) {
      load = this.options.store.get(userId, channelId).then((stored) => {
        this.loading.delete(key);
        const entry: Entry = { state: stored ?? { userId, channelId, lastMessageId: null, mentionCount: 0, lastPinTimestamp: null }, dirty: false };
        this.insert(key, entry);
        return entry;
      });
      load.catch(() => this.loading.delete(key));
      this.loading.set(key, load);
    }
    return load;
  }

  private insert(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    const userKeys = this.byUser.get(entry.state.userId) ?? new Set<string>();
    userKeys.add(key);
    this.byUser.set(entry.state.userId, userKeys);
    while (this.entries.size > this.options.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      const keys = this.byUser.get(oldest.state.userId);
      keys?.delete(oldestKey);
      if (keys?.size === 0) this.byUser.delete(oldest.state.userId);
      if (oldest.dirty) {
        this.dirtyCount -= 1;
        this.evicted.push(oldest.state);
        this.schedule(true);
      }
    }
  }

  private schedule(soon = false): void {
    if (this.timer !== undefined && !soon) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), soon ? 0 : this.options.flushDelayMs);
    this.timer.unref?.();
  }

  private async writeDirty(): Promise<void> {
    const batch: ReadState[] = this.evicted.splice(0);
    const taken: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      this.dirtyCount -= 1;
      taken.push(entry);
      batch.push({ ...entry.state });
    }
    for (let i = 0; i < batch.length; i += this.options.flushBatch) {
      const slice = batch.slice(i, i + this.options.flushBatch);
      try {
        await this.options.store.upsertMany(slice);
        this.writes += 1;
      } catch (error) {
        this.options.onFlushError?.(error);
        // Put back what was not written: evicted states as evicted, cached ones dirty again (unless changed since).
        for (const state of batch.slice(i)) {
          const entry = this.entries.get(keyOf(state.userId, state.channelId));
          if (entry && taken.includes(entry)) {
            if (!entry.dirty) {
              entry.dirty = true;
              this.dirtyCount += 1;
            }
          } else if (!entry) this.evicted.push(state);
        }
        this.schedule();
        return;
      }
    }
  }
}
