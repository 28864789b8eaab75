import { createEnvelope, decodeEnvelope, encodeEnvelope, MESSAGES_TOPIC, type EnvelopeEvent, type EventBus } from '@chat/bus';
import type { Logger } from '@chat/observability';
import type { OutboxEventKind, OutboxStore } from '@chat/store';
import { KeyedPublishQueue } from './keyed-publish-queue';
import { toProtoMessage } from './message-mapping';
import type { StoredMessage } from './store.types';

/** An event the service is about to cause, recorded in the outbox before the write. */
export interface EventIntent {
  readonly eventId: string;
  readonly kind: OutboxEventKind;
  readonly channelId: string;
  readonly messageIds: readonly string[];
  readonly occurredAt: Date;
  /** The encoded envelope (for `updated`, without the message: it is known only after the write). */
  readonly value: Uint8Array;
  /** Whether it is in the outbox (false when the service runs without one). */
  readonly recorded: boolean;
}

/** Options of {@link MessageEvents}. */
export interface MessageEventsOptions {
  bus: EventBus;
  /** The outbox; without it (the in-memory test store) events are published after the write with no recovery. */
  outbox?: OutboxStore;
  /** This instance's outbox owner id (CHAT_DATA_NODE_ID). */
  owner: string;
  nextEventId: () => string;
  /** Logs and counts a publish that failed (the outbox entry stays for recovery). */
  onFailure: (event: string, error: unknown) => void;
  topic?: string;
  /** How long published entries wait to be removed together, in ms. Default 50. */
  removeDelayMs?: number;
  /** Events that may wait for the bus at once; past it a new one is left to outbox recovery. Default 50,000. */
  maxPendingPublishes?: number;
}

/**
 * The data service's chat.events.v1 events, keyed by channel_id so one
 * channel's events stay in order for each consumer, and never lost to a
 * crash between a write and its publish:
 *
 * 1. `intend*` records the event in the outbox (and this process's
 *    in-flight set) BEFORE the write;
 * 2. the write; the caller is answered now: nothing below waits on the bus;
 * 3. `publish` queues it ({@link KeyedPublishQueue}: in order per channel,
 *    off the request path), sends it on the bus, then removes the entry
 *    (batched). While the bus is down, events wait in the queue (bounded)
 *    or in the outbox, and recovery publishes them once it is back.
 *
 * If the process dies after 1, the next process with the same owner id
 * finds the entry ({@link OutboxRecovery}), checks the messages table to
 * learn whether the write happened, and publishes or drops it. A write that
 * fails hands its intent to the same check (`release`), since a timed-out
 * write may still have happened. Publishing is at least once: consumers
 * dedupe by event id or message id.
 */
export class MessageEvents {
  /** Event ids recorded by this process whose write or publish is still running: recovery leaves them alone. */
  readonly inFlight = new Set<string>();
  private readonly toRemove: string[] = [];
  private removeTimer: ReturnType<typeof setTimeout> | undefined;
  private removing: Promise<void> = Promise.resolve();
  private readonly queue: KeyedPublishQueue;

  constructor(private readonly options: MessageEventsOptions) {
    this.queue = new KeyedPublishQueue(options.maxPendingPublishes ?? 50_000);
  }

  /** The topic events go to. */
  get topic(): string {
    return this.options.topic ?? MESSAGES_TOPIC;
  }

  /** Records MessageCreated for a message about to be written (the message as the store will return it). */
  intendCreated(message: StoredMessage, recipientUserIds: string[]): Promise<EventIntent> {
    return this.intend('created', message.channelId, [message.id], message.createdAt, {
      $case: 'messageCreated',
      messageCreated: { message: toProtoMessage(message), recipientUserIds },
    });
  }

  /** Records MessageUpdated for an edit about to be applied; `publish` gets the message as edited. */
  intendUpdated(channelId: string, messageId: string, at: Date, recipientUserIds: string[]): Promise<EventIntent> {
    return this.intend('updated', channelId, [messageId], at, { $case: 'messageUpdated', messageUpdated: { message: undefined, recipientUserIds } });
  }

  /** Records MessageDeleted for a message about to be deleted. */
  intendDeleted(message: StoredMessage, recipientUserIds: string[], at: Date): Promise<EventIntent> {
    return this.intend('deleted', message.channelId, [message.id], at, {
      $case: 'messageDeleted',
      messageDeleted: { messageId: message.id, channelId: message.channelId, guildId: message.guildId ?? undefined, authorId: message.authorId, recipientUserIds },
    });
  }

  /** Records MessagesBulkDeleted for messages about to be deleted. */
  intendBulkDeleted(channelId: string, guildId: string, messageIds: string[], at: Date): Promise<EventIntent> {
    return this.intend('bulk_deleted', channelId, messageIds, at, { $case: 'messagesBulkDeleted', messagesBulkDeleted: { messageIds, channelId, guildId } });
  }

  /**
   * Queues the publish of an intent whose write succeeded and returns at
   * once; the entry is removed after the bus acknowledged it. `edited` is the
   * message after an edit (for `updated`). A failed publish is logged and
   * counted; its entry, and those of its channel queued behind it, stay for
   * recovery. With the queue full, the intent goes to recovery directly.
   */
  publish(intent: EventIntent, edited?: StoredMessage): void {
    const queued = this.queue.enqueue({
      key: intent.channelId,
      run: () => this.publishNow(intent, edited),
      skip: () => this.leaveToRecovery(intent, new PublishSkippedError('an earlier event of its channel failed to publish')),
    });
    if (!queued) this.leaveToRecovery(intent, new PublishSkippedError('the publish queue is full'));
  }

  /** Events queued for the bus or being published. */
  get pendingPublishes(): number {
    return this.queue.pending;
  }

  /** Resolves once every queued publish finished (tests, benchmarks). */
  publishesSettled(): Promise<void> {
    return this.queue.settled();
  }

  /** Stops publishing (shutdown): queued events stay in the outbox for the next process's recovery; a publish under way is not waited for. */
  stopPublishing(): void {
    this.queue.close();
  }

  /** The write failed (or may have): recovery checks the messages table and publishes or drops the entry. */
  release(intent: EventIntent): void {
    this.inFlight.delete(intent.eventId);
  }

  /** The write is known to have changed nothing (e.g. the message was already gone): the entry is dropped. */
  discard(intent: EventIntent): void {
    if (intent.recorded) this.scheduleRemove(intent.eventId);
    else this.inFlight.delete(intent.eventId);
  }

  /** Removes published entries now (shutdown, tests). */
  async flush(): Promise<void> {
    if (this.removeTimer !== undefined) clearTimeout(this.removeTimer);
    this.removeTimer = undefined;
    const ids = this.toRemove.splice(0);
    const outbox = this.options.outbox;
    if (ids.length > 0 && outbox) {
      this.removing = this.removing
        .then(() => outbox.remove(this.options.owner, ids))
        .catch((error: unknown) => this.options.onFailure('outbox_remove', error))
        .finally(() => {
          // Removed (or not: then recovery finds them, sees the write happened and publishes once more: at least once).
          for (const id of ids) this.inFlight.delete(id);
        });
    }
    await this.removing;
  }

  private async publishNow(intent: EventIntent, edited: StoredMessage | undefined): Promise<boolean> {
    const value = edited ? withEditedMessage(intent.value, edited) : intent.value;
    try {
      await this.options.bus.publish(this.topic, intent.channelId, value);
      // Stays in flight until its entry is removed, so recovery does not publish it a second time.
      if (intent.recorded) this.scheduleRemove(intent.eventId);
      else this.inFlight.delete(intent.eventId);
      return true;
    } catch (error) {
      this.leaveToRecovery(intent, error);
      return false;
    }
  }

  /** Not published now: recovery takes the outbox entry (without an outbox the event is lost, and the failure says so). */
  private leaveToRecovery(intent: EventIntent, error: unknown): void {
    this.inFlight.delete(intent.eventId);
    this.options.onFailure(intent.kind, error);
  }

  private async intend(kind: OutboxEventKind, channelId: string, messageIds: string[], occurredAt: Date, event: EnvelopeEvent): Promise<EventIntent> {
    const eventId = this.options.nextEventId();
    const value = encodeEnvelope(createEnvelope(event, { eventId, occurredAt }));
    const outbox = this.options.outbox;
    this.inFlight.add(eventId);
    if (outbox) {
      try {
        await outbox.put({ owner: this.options.owner, eventId, kind, channelId, messageIds, value, createdAt: new Date() });
      } catch (error) {
        this.inFlight.delete(eventId);
        throw error;
      }
    }
    return { eventId, kind, channelId, messageIds, occurredAt, value, recorded: outbox !== undefined };
  }

  private scheduleRemove(eventId: string): void {
    this.toRemove.push(eventId);
    if (this.toRemove.length >= 256) {
      void this.flush();
      return;
    }
    if (this.removeTimer === undefined) {
      this.removeTimer = setTimeout(() => void this.flush(), this.options.removeDelayMs ?? 50);
      this.removeTimer.unref();
    }
  }
}

/** A MessageUpdated envelope (as recorded before the edit) with the message as edited; other envelopes unchanged. */
export function withEditedMessage(value: Uint8Array, message: StoredMessage): Uint8Array {
  const envelope = decodeEnvelope(value);
  if (envelope.event?.$case !== 'messageUpdated') return value;
  envelope.event.messageUpdated.message = toProtoMessage(message);
  return encodeEnvelope(envelope);
}

/** The failure handler the service uses: log with the event and count it. */
export function logPublishFailure(logger: Logger, count: (event: string) => void): (event: string, error: unknown) => void {
  return (event, error) => {
    count(event);
    logger.error({ err: error, event }, 'event not published yet after a durable write; its outbox entry stays and recovery retries it');
  };
}

/** Why an event was not sent to the bus now (its outbox entry stays for recovery). */
export class PublishSkippedError extends Error {
  constructor(reason: string) {
    super(`event not published now: ${reason}`);
    this.name = 'PublishSkippedError';
  }
}
