import { decodeEnvelope, type BusRecord } from '@chat/bus';
import type { ReadStatesService } from './read-states-service';

/**
 * The bus handler of the `read-states` consumer group on the messages topic:
 * MessageCreated moves the author's marker and counts mentions; other events
 * change nothing here. A malformed record throws (the bus retries it, then
 * dead-letters it). Resolves once the cache holds the change, so the record
 * is committed before the change is written: a crash loses at most the
 * cache's flush delay (CHAT_READ_STATES_FLUSH_MS), the documented window.
 */
export function mentionConsumer(service: ReadStatesService): (record: BusRecord) => Promise<void> {
  return async (record) => {
    const envelope = decodeEnvelope(record.value);
    if (envelope.event?.$case !== 'messageCreated') return;
    const message = envelope.event.messageCreated.message;
    if (!message) return;
    await service.messageCreated(message.id, {
      channelId: message.channelId,
      guildId: message.guildId,
      authorId: message.authorId,
      mentionUserIds: message.mentionUserIds,
      mentionRoleIds: message.mentionRoleIds,
      mentionEveryone: message.mentionEveryone,
    });
  };
}
