import { Coalescer } from '@chat/coalesce';
import { errorKindOf } from '@chat/errors';
import { withSpan } from '@chat/observability';
import { dateOf } from '@chat/snowflake';
import { Semaphore } from '@chat/semaphore';
import { ChannelDirectory, type CallOptions, type ChannelExists } from './channel-directory';
import type { DataServiceMetrics } from './data-service.metrics';
import { InvalidFieldError, UnknownChannelError, UnknownMessageError } from './errors';
import type { EventIntent, MessageEvents } from './message-events';
import type { CreateCommand, DeleteCommand, EditCommand, MessageAddress, MessageIdList } from './message-validation';
import { NonceCache } from './nonce-cache';
import type { HistoryQuery, MessageStore, NewMessage, StoreCallOptions, StoredMessage } from './store.types';

/** How long enforce_nonce remembers a nonce (Discord: "the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;

/** Limits and switches of a {@link MessageService}. */
export interface MessageServiceSettings {
  /** Store calls in flight at once (the semaphore's permits). */
  maxConcurrentQueries: number;
  /** Callers that may wait for a permit; beyond it RESOURCE_EXHAUSTED at once. */
  maxQueued: number;
  /** Longest wait for a permit when the call has no deadline, in ms. */
  maxQueueWaitMs: number;
  /** A queued caller gives up this long before its deadline, so it gets RESOURCE_EXHAUSTED rather than a bare DEADLINE_EXCEEDED, in ms. */
  deadlineMarginMs: number;
  /** Share identical concurrent reads (true in production; false for comparisons). */
  coalesce: boolean;
  /** How long a channel seen to exist is remembered, in ms. */
  channelCacheTtlMs: number;
}

/** What a {@link MessageService} works with. */
export interface MessageServiceDeps {
  store: MessageStore;
  events: MessageEvents;
  /** Issues message ids (a SnowflakeGenerator's `next`). */
  nextId: () => string;
  channelExists: ChannelExists;
  metrics: DataServiceMetrics;
  settings: MessageServiceSettings;
  clock?: () => number;
}

/** The result of a create. */
export interface CreateResult {
  message: StoredMessage;
  /** True when enforce_nonce matched an earlier message and nothing was created. */
  deduplicated: boolean;
}

/**
 * The data service's work: validated commands in, stored messages out.
 * - Reads (get, batch get, history) are coalesced per channel: identical
 *   concurrent requests share one store query; each caller can cancel alone.
 * - Writes are never coalesced; each is durable (the store call resolved)
 *   before the call returns, then invalidates the channel's in-flight reads
 *   (a read arriving after the write sees it) and queues its event. The
 *   event is recorded in the outbox before the write (MessageEvents), so a
 *   crash between the write and the publish does not lose it, and the call
 *   never waits for the bus: a Kafka outage delays events, not writes.
 * - Every store call holds a semaphore permit: past the bound callers wait
 *   until just before their deadline, then get RESOURCE_EXHAUSTED.
 * - An unknown channel is NOT_FOUND: checked before writes; for reads only
 *   when the store found nothing (so the hot path costs one query).
 */
export class MessageService {
  private readonly reads: Coalescer<unknown>;
  private readonly semaphore: Semaphore;
  private readonly channels: ChannelDirectory;
  private readonly nonces: NonceCache;
  private readonly clock: () => number;

  constructor(private readonly deps: MessageServiceDeps) {
    const { metrics, settings } = deps;
    this.clock = deps.clock ?? Date.now;
    this.reads = new Coalescer({ enabled: settings.coalesce });
    this.semaphore = new Semaphore({
      name: 'message store',
      maxConcurrent: settings.maxConcurrentQueries,
      maxQueued: settings.maxQueued,
      maxWaitMs: settings.maxQueueWaitMs,
      onChange: ({ inUse, queued }) => {
        metrics.semaphoreInUse.set(inUse);
        metrics.semaphoreQueueDepth.set(queued);
      },
      onReject: (reason) => metrics.semaphoreRejected.inc({ reason }),
      onAcquire: (ms) => metrics.semaphoreWaitSeconds.observe(ms / 1000),
    });
    this.channels = new ChannelDirectory(deps.channelExists, settings.channelCacheTtlMs, 100_000, this.clock);
    this.nonces = new NonceCache(NONCE_WINDOW_MS, 100_000, this.clock);
  }

  /** Reads received per read executed (1 when nothing was shared). */
  coalescingRatio(): number {
    return this.reads.stats().ratio;
  }

  /** The store-permit semaphore's state, for tests and diagnostics. */
  queueState(): { inUse: number; queued: number } {
    return { inUse: this.semaphore.inUse, queued: this.semaphore.queued };
  }

  /** Creates a message (or returns the earlier one for an enforced nonce), then publishes MessageCreated. */
  async create(command: CreateCommand, options: CallOptions = {}): Promise<CreateResult> {
    const { channelId, authorId, nonce } = command.message;
    await this.channels.require(channelId, options);
    if (command.enforceNonce && nonce) {
      const earlier = await this.earlierWithNonce(channelId, authorId, nonce, options);
      if (earlier) return { message: earlier, deduplicated: true };
    }
    const id = this.deps.nextId();
    const input: NewMessage = { ...command.message, id };
    const intent = await this.deps.events.intendCreated(asStored(input), command.recipientUserIds);
    const message = await this.written(intent, () => this.write(channelId, 'create', () => this.deps.store.create(input), options));
    if (command.enforceNonce && nonce) this.nonces.set(channelId, authorId, nonce, id);
    this.deps.events.publish(intent);
    return { message, deduplicated: false };
  }

  /** One message. NOT_FOUND for an unknown channel or message. */
  get(address: MessageAddress, options: CallOptions = {}): Promise<StoredMessage> {
    const { channelId, messageId } = address;
    return this.read('GetMessage', channelId, `get:${messageId}`, options, async (o) => {
      const message = await this.store('get', (so) => this.deps.store.get(channelId, messageId, so), o);
      if (message) return message;
      throw await this.notFound(channelId, messageId, o);
    });
  }

  /** Messages of one channel by id, in request order; unknown ids left out (repeats once). */
  async batchGet(list: MessageIdList, options: CallOptions = {}): Promise<StoredMessage[]> {
    const { channelId } = list;
    const unique = [...new Set(list.messageIds)];
    const key = `batch:${[...unique].sort().join(',')}`;
    const found = await this.read('BatchGetMessages', channelId, key, options, async (o) => {
      const messages = unique.length === 0 ? [] : await this.store('get_many', (so) => this.deps.store.getMany(channelId, unique, so), o);
      if (messages.length === 0) await this.channels.require(channelId, o);
      return messages;
    });
    const byId = new Map(found.map((message) => [message.id, message]));
    return unique.flatMap((id) => byId.get(id) ?? []);
  }

  /** A page of history, newest first. NOT_FOUND for an unknown channel. */
  history(query: HistoryQuery, options: CallOptions = {}): Promise<StoredMessage[]> {
    const { channelId } = query;
    const key = `history:${query.before ?? ''}:${query.after ?? ''}:${query.around ?? ''}:${query.limit}`;
    return this.read('GetHistory', channelId, key, options, async (o) => {
      const page = await this.store('history', (so) => this.deps.store.history(query, so), o);
      if (page.length === 0) await this.channels.require(channelId, o);
      return page;
    });
  }

  /** Applies an edit, then publishes MessageUpdated. */
  async edit(command: EditCommand, options: CallOptions = {}): Promise<StoredMessage> {
    const { channelId, messageId } = command;
    const now = new Date(this.clock());
    // Pinning or unpinning alone is not an edit, nor is rewriting the poll (a poll ended early): the message keeps its edited timestamp.
    const notAnEdit = Object.keys(command.patch).every((field) => field === 'pinned' || field === 'pollJson');
    const patch = notAnEdit ? { ...command.patch } : { ...command.patch, editedAt: now };
    const intent = await this.deps.events.intendUpdated(channelId, messageId, now, command.recipientUserIds);
    let message: StoredMessage;
    try {
      message = await this.written(intent, () => this.write(channelId, 'edit', () => this.deps.store.edit(channelId, messageId, patch), options));
    } catch (error) {
      if (errorKindOf(error) === 'not_found') throw await this.notFound(channelId, messageId, options);
      throw error;
    }
    this.deps.events.publish(intent, message);
    return message;
  }

  /** Deletes a message and returns it as it was, then publishes MessageDeleted. */
  async delete(command: DeleteCommand, options: CallOptions = {}): Promise<StoredMessage> {
    const { channelId, messageId } = command;
    const message = await this.store('get', (o) => this.deps.store.get(channelId, messageId, o), options);
    if (!message) throw await this.notFound(channelId, messageId, options);
    const intent = await this.deps.events.intendDeleted(message, command.recipientUserIds, new Date(this.clock()));
    const deleted = await this.written(intent, () => this.write(channelId, 'delete', () => this.deps.store.delete(channelId, messageId), options));
    if (!deleted) {
      this.deps.events.discard(intent);
      throw new UnknownMessageError(channelId, messageId);
    }
    this.deps.events.publish(intent);
    return message;
  }

  /** Deletes the listed messages of a guild channel; returns the ids that existed. Publishes MessagesBulkDeleted. */
  async bulkDelete(list: MessageIdList, options: CallOptions = {}): Promise<string[]> {
    const { channelId, messageIds } = list;
    const found = await this.store('get_many', (o) => this.deps.store.getMany(channelId, messageIds, o), options);
    if (found.length === 0) {
      await this.channels.require(channelId, options);
      return [];
    }
    const guildId = found[0]!.guildId;
    if (guildId === null) throw new InvalidFieldError('channel_id', 'bulk delete is only for guild channels, not DMs');
    const existing = found.map((message) => message.id);
    const intent = await this.deps.events.intendBulkDeleted(channelId, guildId, existing, new Date(this.clock()));
    const deleted = await this.written(intent, () => this.write(channelId, 'bulk_delete', () => this.deps.store.bulkDelete(channelId, existing), options));
    if (deleted.length === 0) this.deps.events.discard(intent);
    else if (deleted.length === existing.length) this.deps.events.publish(intent);
    else {
      // Someone else deleted some of them meanwhile: record the ids this write removed, then drop the first intent.
      const exact = await this.deps.events.intendBulkDeleted(channelId, guildId, deleted, intent.occurredAt);
      this.deps.events.discard(intent);
      this.deps.events.publish(exact);
    }
    return deleted;
  }

  /**
   * The message this author created in this channel with this nonce within
   * the nonce window. This instance's cache first; on a miss, the channel's
   * latest 100 messages in the store, so a retry that reaches another
   * instance (after a failover, or a ring change) still finds the original.
   */
  private async earlierWithNonce(channelId: string, authorId: string, nonce: string, options: CallOptions): Promise<StoredMessage | undefined> {
    const cachedId = this.nonces.get(channelId, authorId, nonce);
    if (cachedId) return (await this.store('get', (o) => this.deps.store.get(channelId, cachedId, o), options)) ?? undefined;
    const since = this.clock() - NONCE_WINDOW_MS;
    const latest = await this.store('history', (o) => this.deps.store.history({ channelId, limit: 100 }, o), options);
    return latest.find((m) => m.authorId === authorId && m.nonce === nonce && m.createdAt.getTime() >= since);
  }

  /** Runs a write whose event is recorded as `intent`; if it fails, the intent goes to recovery (the write may still have happened). */
  private async written<T>(intent: EventIntent, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      this.deps.events.release(intent);
      throw error;
    }
  }

  /** A coalesced read: the flight runs with the first caller's deadline and its own signal (aborted when every caller left). */
  private read<T>(method: string, channelId: string, key: string, options: CallOptions, call: (options: CallOptions) => Promise<T>): Promise<T> {
    // One coalescer serves every read method; keys start with the method, so a key always maps to one result type.
    this.deps.metrics.readRequests.inc({ method });
    return (this.reads as Coalescer<T>).run(
      key,
      (signal) => {
        this.deps.metrics.readExecutions.inc({ method });
        return call({ signal, deadline: options.deadline });
      },
      { scope: channelId, signal: options.signal },
    );
  }

  /**
   * A write: holds a permit (the caller may cancel or time out only while
   * queued), runs to completion once started (no signal to the store, so a
   * cancelled call cannot leave a write half-known), then invalidates the
   * channel's in-flight reads whatever the outcome.
   */
  private async write<T>(channelId: string, operation: string, call: () => Promise<T>, options: CallOptions): Promise<T> {
    try {
      return await withSpan(`message-store ${operation}`, { attributes: { 'db.operation.name': operation, 'chat.channel.id': channelId } }, () => this.store(operation, () => call(), options));
    } finally {
      this.reads.invalidate(channelId);
    }
  }

  /** One store call under the semaphore, counted and timed. */
  private store<T>(operation: string, call: (options: StoreCallOptions) => Promise<T>, options: CallOptions): Promise<T> {
    const { metrics, settings } = this.deps;
    const deadline = options.deadline ? new Date(options.deadline.getTime() - settings.deadlineMarginMs) : undefined;
    return this.semaphore.run(
      async () => {
        metrics.storeQueries.inc({ operation });
        const stop = metrics.storeQuerySeconds.startTimer({ operation });
        try {
          return await call(options.signal ? { signal: options.signal } : {});
        } finally {
          stop();
        }
      },
      { signal: options.signal, deadline },
    );
  }

  private async notFound(channelId: string, messageId: string, options: CallOptions): Promise<UnknownChannelError | UnknownMessageError> {
    return (await this.channels.exists(channelId, options)) ? new UnknownMessageError(channelId, messageId) : new UnknownChannelError(channelId);
  }
}

/** A new message as the store returns it once written (createdAt from the id; not edited, not pinned unless asked). */
function asStored(message: NewMessage): StoredMessage {
  return {
    ...message,
    mentionUserIds: [...message.mentionUserIds],
    mentionRoleIds: [...message.mentionRoleIds],
    reference: message.reference ? { ...message.reference } : null,
    createdAt: dateOf(message.id),
    editedAt: null,
    pinned: message.pinned ?? false,
    componentsJson: message.componentsJson ?? '[]',
    origin: message.origin ?? null,
    pollJson: message.pollJson ?? null,
  };
}
