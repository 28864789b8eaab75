import { decodeEnvelope, type EventBus } from '@chat/bus';
import type { OutboxEntry, OutboxStore } from '@chat/store';
import { withEditedMessage } from './message-events';
import type { MessageStore } from './store.types';

/** Options of {@link OutboxRecovery}. */
export interface OutboxRecoveryOptions {
  outbox: OutboxStore;
  messages: MessageStore;
  bus: EventBus;
  topic: string;
  /** This instance's owner id: it replays only its own entries. */
  owner: string;
  /** Event ids this process is still working on (MessageEvents.inFlight): left alone. */
  inFlight: ReadonlySet<string>;
  /** Time between two passes, in ms. */
  intervalMs: number;
  /** Entries read per page. Default 256. */
  pageSize?: number;
  /** Counts what a pass did, and logs failures. */
  observer?: {
    published?(entry: OutboxEntry): void;
    dropped?(entry: OutboxEntry): void;
    failed?(error: unknown): void;
  };
}

/** What one pass did. */
export interface RecoveryPass {
  published: number;
  dropped: number;
  /** Entries skipped because this process is still writing or publishing them. */
  inFlight: number;
}

/**
 * Replays the outbox entries that no running write or publish of this
 * process owns: left by a process that died between recording an event and
 * publishing it, or whose publish failed. For each, the messages table says
 * whether the write happened:
 *
 * - created: the message exists -> publish;
 * - updated: the message exists and was edited at or after the intent ->
 *   publish MessageUpdated with the message as it is now;
 * - deleted / bulk_deleted: a listed message is gone -> publish;
 *
 * otherwise the write never happened and the entry is dropped. Runs once at
 * start, then every `intervalMs`. Entries go in event-id order, so one
 * channel's replayed events keep their order among themselves.
 */
export class OutboxRecovery {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: OutboxRecoveryOptions) {}

  /** Runs a first pass, then one every `intervalMs`. */
  start(): Promise<RecoveryPass> {
    const first = this.pass();
    this.running = first.catch(() => undefined).finally(() => this.schedule());
    return first;
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every entry of this owner. */
  async pass(): Promise<RecoveryPass> {
    const { outbox, owner } = this.options;
    const result: RecoveryPass = { published: 0, dropped: 0, inFlight: 0 };
    let after: string | undefined;
    for (;;) {
      const page = await outbox.list(owner, { ...(after === undefined ? {} : { afterEventId: after }), limit: this.options.pageSize ?? 256 });
      if (page.length === 0) return result;
      const done: string[] = [];
      for (const entry of page) {
        after = entry.eventId;
        if (this.options.inFlight.has(entry.eventId)) {
          result.inFlight += 1;
          continue;
        }
        const value = await this.valueToPublish(entry);
        if (value === undefined) {
          result.dropped += 1;
          this.options.observer?.dropped?.(entry);
        } else {
          await this.options.bus.publish(this.options.topic, entry.channelId, value);
          result.published += 1;
          this.options.observer?.published?.(entry);
        }
        done.push(entry.eventId);
      }
      if (done.length > 0) await outbox.remove(owner, done);
    }
  }

  /** The bytes to publish for an entry whose write happened, or undefined when it did not. */
  private async valueToPublish(entry: OutboxEntry): Promise<Uint8Array | undefined> {
    const { messages } = this.options;
    switch (entry.kind) {
      case 'created':
        return (await messages.get(entry.channelId, entry.messageIds[0]!)) ? entry.value : undefined;
      case 'updated': {
        const message = await messages.get(entry.channelId, entry.messageIds[0]!);
        // The service sets the envelope's occurred_at to the edit's editedAt; an edit at or after it means the write happened (or a later one did).
        const intendedAt = decodeEnvelope(entry.value).occurredAt?.getTime() ?? entry.createdAt.getTime();
        if (!message?.editedAt || message.editedAt.getTime() < intendedAt) return undefined;
        return withEditedMessage(entry.value, message);
      }
      case 'deleted':
      case 'bulk_deleted': {
        const still = await messages.getMany(entry.channelId, entry.messageIds);
        return still.length < entry.messageIds.length ? entry.value : undefined;
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error: unknown) => this.options.observer?.failed?.(error))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
