import { createEnvelope, encodeEnvelope, MESSAGES_TOPIC, type EnvelopeEvent, type EventBus } from '@chat/bus';
import type { Logger } from '@chat/observability';
import { toProtoMessage } from './message-mapping';
import type { StoredMessage } from './store.types';

/**
 * Publishes the data service's chat.events.v1 events on the bus, keyed by
 * channel_id so one channel's events stay in order for each consumer.
 *
 * Gap until issue #5: events are published after the write is durable but
 * not in the same transaction (no outbox yet). If the process dies between
 * the write and the publish, or the publish fails, the event is lost; a
 * failure is logged and counted (chat_data_publish_failures_total) and the
 * caller still gets its success, because the write did happen.
 */
export class MessageEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly nextEventId: () => string,
    private readonly onFailure: (event: string, error: unknown) => void,
    private readonly topic: string = MESSAGES_TOPIC,
  ) {}

  /** MessageCreated for a message now durable. */
  created(message: StoredMessage, recipientUserIds: string[]): Promise<void> {
    return this.publish(message.channelId, message.createdAt, { $case: 'messageCreated', messageCreated: { message: toProtoMessage(message), recipientUserIds } });
  }

  /** MessageUpdated for an edit now durable. */
  updated(message: StoredMessage, recipientUserIds: string[]): Promise<void> {
    return this.publish(message.channelId, message.editedAt ?? new Date(), { $case: 'messageUpdated', messageUpdated: { message: toProtoMessage(message), recipientUserIds } });
  }

  /** MessageDeleted for a delete now durable. */
  deleted(message: StoredMessage, recipientUserIds: string[], at: Date): Promise<void> {
    return this.publish(message.channelId, at, {
      $case: 'messageDeleted',
      messageDeleted: { messageId: message.id, channelId: message.channelId, guildId: message.guildId ?? undefined, authorId: message.authorId, recipientUserIds },
    });
  }

  /** MessagesBulkDeleted for a bulk delete now durable. */
  bulkDeleted(channelId: string, guildId: string, messageIds: string[], at: Date): Promise<void> {
    return this.publish(channelId, at, { $case: 'messagesBulkDeleted', messagesBulkDeleted: { messageIds, channelId, guildId } });
  }

  private async publish(channelId: string, occurredAt: Date, event: EnvelopeEvent): Promise<void> {
    try {
      const envelope = createEnvelope(event, { eventId: this.nextEventId(), occurredAt });
      await this.bus.publish(this.topic, channelId, encodeEnvelope(envelope));
    } catch (error) {
      this.onFailure(event.$case, error);
    }
  }
}

/** The failure handler the service uses: log with the event and count it. */
export function logPublishFailure(logger: Logger, count: (event: string) => void): (event: string, error: unknown) => void {
  return (event, error) => {
    count(event);
    logger.error({ err: error, event }, 'event not published after a durable write (no outbox until issue #5)');
  };
}
