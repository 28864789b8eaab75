/**
 * A MessageStore that forwards every call to a real store and counts the
 * calls by operation: the "database queries" the benchmarks report are
 * counted here, at the store boundary (what the data service asked of its
 * store), not at the gRPC layer.
 */
import type { HistoryQuery, MessagePatch, MessageStore, NewMessage, StoreCallOptions, StoredMessage } from '@chat/store';

/** Operations counted, named as the data service's `chat_data_store_queries_total` labels them. */
export type StoreOperation = 'create' | 'get' | 'get_many' | 'history' | 'edit' | 'delete' | 'bulk_delete';

/** Counts the calls that reach `inner` (and times history calls); `close()` is not forwarded (the owner of `inner` closes it). */
export class CountingMessageStore implements MessageStore {
  private readonly counts = new Map<StoreOperation, number>();
  /** Duration of every history call so far, in ms (from the call to its settling). */
  readonly historyMs: number[] = [];

  constructor(private readonly inner: MessageStore) {}

  /** Calls of one operation so far. */
  count(operation: StoreOperation): number {
    return this.counts.get(operation) ?? 0;
  }

  create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage> {
    this.bump('create');
    return this.inner.create(message, options);
  }

  get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined> {
    this.bump('get');
    return this.inner.get(channelId, messageId, options);
  }

  getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]> {
    this.bump('get_many');
    return this.inner.getMany(channelId, messageIds, options);
  }

  async history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]> {
    this.bump('history');
    const started = performance.now();
    try {
      return await this.inner.history(query, options);
    } finally {
      this.historyMs.push(performance.now() - started);
    }
  }

  edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage> {
    this.bump('edit');
    return this.inner.edit(channelId, messageId, patch, options);
  }

  delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    this.bump('delete');
    return this.inner.delete(channelId, messageId, options);
  }

  bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]> {
    this.bump('bulk_delete');
    return this.inner.bulkDelete(channelId, messageIds, options);
  }

  /** Does nothing: whoever opened the inner store closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private bump(operation: StoreOperation): void {
    this.counts.set(operation, this.count(operation) + 1);
  }
}
