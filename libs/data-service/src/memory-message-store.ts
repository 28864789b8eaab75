import { ConflictError, NotFoundError } from '@chat/errors';
import { StoreQueryCancelledError } from './errors';
import type { HistoryQuery, MessagePatch, MessageStore, NewMessage, StoreCallOptions, StoredMessage } from './store.types';
import { dateOf } from '@chat/snowflake';

/** Options of {@link MemoryMessageStore}. */
export interface MemoryMessageStoreOptions {
  /** Artificial time each query takes, in ms (for benchmarks: the cost a database would add). Default 0. */
  queryDelayMs?: number;
}

const byIdDesc = (a: StoredMessage, b: StoredMessage) => (BigInt(a.id) < BigInt(b.id) ? 1 : BigInt(a.id) > BigInt(b.id) ? -1 : 0);

/**
 * A MessageStore in process memory, not durable. The data service's unit
 * tests run on it, and `memoryStoreModule` serves it until @chat/store's
 * module (SQLite / Scylla) is wired in. Counts queries by operation so tests
 * and the coalesce benchmark can see what reached "the database".
 */
export class MemoryMessageStore implements MessageStore {
  /** Queries received, by operation (get, get_many, history, create, edit, delete, bulk_delete). */
  readonly queries = new Map<string, number>();
  private readonly channels = new Map<string, Map<string, StoredMessage>>();
  private readonly delayMs: number;

  constructor(options: MemoryMessageStoreOptions = {}) {
    this.delayMs = options.queryDelayMs ?? 0;
  }

  /** Queries of one operation so far. */
  count(operation: string): number {
    return this.queries.get(operation) ?? 0;
  }

  async create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage> {
    await this.begin('create', options);
    const channel = this.channel(message.channelId);
    if (channel.has(message.id)) throw new ConflictError(`message ${message.id} already exists`);
    const stored: StoredMessage = { ...message, pinned: message.pinned ?? false, createdAt: dateOf(message.id), editedAt: null, componentsJson: message.componentsJson ?? '[]', origin: message.origin ?? null, pollJson: message.pollJson ?? null };
    channel.set(message.id, stored);
    return structuredClone(stored);
  }

  async get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined> {
    await this.begin('get', options);
    const found = this.channels.get(channelId)?.get(messageId);
    return found && structuredClone(found);
  }

  async getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]> {
    await this.begin('get_many', options);
    const channel = this.channels.get(channelId);
    const found = [...new Set(messageIds)].flatMap((id) => channel?.get(id) ?? []);
    return structuredClone(found.sort(byIdDesc));
  }

  async history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]> {
    await this.begin('history', options);
    const all = [...(this.channels.get(query.channelId)?.values() ?? [])].sort(byIdDesc);
    const id = (message: StoredMessage) => BigInt(message.id);
    let page: StoredMessage[];
    if (query.before !== undefined) {
      const before = BigInt(query.before);
      page = all.filter((m) => id(m) < before).slice(0, query.limit);
    } else if (query.after !== undefined) {
      const after = BigInt(query.after);
      page = all.filter((m) => id(m) > after).slice(-query.limit);
    } else if (query.around !== undefined) {
      const around = BigInt(query.around);
      const newer = all.filter((m) => id(m) > around).slice(-Math.floor(query.limit / 2));
      const older = all.filter((m) => id(m) <= around).slice(0, Math.ceil(query.limit / 2));
      page = [...newer, ...older];
    } else {
      page = all.slice(0, query.limit);
    }
    return structuredClone(page);
  }

  async edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage> {
    await this.begin('edit', options);
    const found = this.channels.get(channelId)?.get(messageId);
    if (!found) throw new NotFoundError(`unknown message ${messageId} in channel ${channelId}`);
    const { editedAt, ...fields } = patch;
    const edited: StoredMessage = { ...found, ...fields, editedAt: editedAt ?? found.editedAt };
    this.channel(channelId).set(messageId, edited);
    return structuredClone(edited);
  }

  async delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    await this.begin('delete', options);
    return this.channels.get(channelId)?.delete(messageId) ?? false;
  }

  async bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]> {
    await this.begin('bulk_delete', options);
    const channel = this.channels.get(channelId);
    return [...new Set(messageIds)].filter((id) => channel?.delete(id) ?? false);
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  private channel(channelId: string): Map<string, StoredMessage> {
    let channel = this.channels.get(channelId);
    if (!channel) {
      channel = new Map();
      this.channels.set(channelId, channel);
    }
    return channel;
  }

  /** Counts the query, then waits the artificial delay; a signal that fires before or during it cancels the query. */
  private async begin(operation: string, options: StoreCallOptions | undefined): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) throw new StoreQueryCancelledError(operation, { cause: signal.reason });
    this.queries.set(operation, this.count(operation) + 1);
    if (this.delayMs <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new StoreQueryCancelledError(operation, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, this.delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
