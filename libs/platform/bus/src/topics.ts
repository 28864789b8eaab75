import { InvalidTopicError } from './errors';

/** Message events (MessageCreated, MessageUpdated, MessageDeleted, MessagesBulkDeleted), keyed by channel_id, as chat.events.v1 documents. */
export const MESSAGES_TOPIC = 'messages';

/** Read-state events (ReadStateAcked), keyed by user_id. */
export const READ_STATES_TOPIC = 'read-states';

/** Where records that failed every attempt on `topic` go. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Headers the bus adds to a dead-lettered record. */
export const DLQ_HEADERS = {
  topic: 'x-dlq-topic',
  partition: 'x-dlq-partition',
  offset: 'x-dlq-offset',
  group: 'x-dlq-group',
  attempts: 'x-dlq-attempts',
  error: 'x-dlq-error',
} as const;

const LEGAL = /^[A-Za-z0-9._-]{1,249}$/;

/** @throws {InvalidTopicError} for a name Kafka would refuse. */
export function checkName(field: 'topic' | 'groupId', value: string): void {
  if (typeof value !== 'string' || !LEGAL.test(value)) throw new InvalidTopicError(field, String(value));
}
