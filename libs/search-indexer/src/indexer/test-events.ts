/** Test-only: chat.events.v1 message events as the data service publishes them. */
import { createEnvelope, encodeEnvelope, MESSAGES_TOPIC, type EnvelopeEvent, type EventBus } from '@chat/bus';
import { messagesV1 } from '@chat/proto';

let nextEventId = 1n;

function envelope(event: EnvelopeEvent): Uint8Array {
  nextEventId += 1n;
  return encodeEnvelope(createEnvelope(event, { eventId: String(nextEventId), occurredAt: new Date() }));
}

/** A message as the data service stores it; `editedAt` (ms) makes it an edit. */
export function testMessage(fields: { id: string; channelId: string; guildId?: string; authorId?: string; content: string; editedAt?: number; mentionUserIds?: string[] }): messagesV1.Message {
  return messagesV1.Message.fromPartial({
    id: fields.id,
    channelId: fields.channelId,
    ...(fields.guildId !== undefined ? { guildId: fields.guildId } : {}),
    authorId: fields.authorId ?? '1',
    content: fields.content,
    timestamp: new Date(1_700_000_000_000),
    ...(fields.editedAt !== undefined ? { editedTimestamp: new Date(fields.editedAt) } : {}),
    mentionUserIds: fields.mentionUserIds ?? [],
  });
}

/** MessageCreated bytes. */
export function created(message: messagesV1.Message, recipientUserIds: string[] = []): Uint8Array {
  return envelope({ $case: 'messageCreated', messageCreated: { message, recipientUserIds } });
}

/** MessageUpdated bytes. */
export function updated(message: messagesV1.Message, recipientUserIds: string[] = []): Uint8Array {
  return envelope({ $case: 'messageUpdated', messageUpdated: { message, recipientUserIds } });
}

/** MessageDeleted bytes. */
export function deleted(message: messagesV1.Message, recipientUserIds: string[] = []): Uint8Array {
  return envelope({ $case: 'messageDeleted', messageDeleted: { messageId: message.id, channelId: message.channelId, guildId: message.guildId, authorId: message.authorId, recipientUserIds } });
}

/** MessagesBulkDeleted bytes. */
export function bulkDeleted(channelId: string, guildId: string, messageIds: string[]): Uint8Array {
  return envelope({ $case: 'messagesBulkDeleted', messagesBulkDeleted: { channelId, guildId, messageIds } });
}

/** Publishes on the messages topic, keyed by channel as the data service does. */
export async function publishEvent(bus: EventBus, channelId: string, value: Uint8Array): Promise<void> {
  await bus.publish(MESSAGES_TOPIC, channelId, value);
}
