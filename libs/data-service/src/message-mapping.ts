import type { messagesV1 } from '@chat/proto';
import type { StoredMessage } from './store.types';

const EMPTY = Buffer.alloc(0);

function jsonBytes(json: string): Buffer {
  return json === '' || json === '[]' ? EMPTY : Buffer.from(json, 'utf8');
}

/** A stored message as the proto Message (empty JSON arrays become empty bytes; the nonce only when given; poll_json unset without a poll). */
export function toProtoMessage(message: StoredMessage, nonce = ''): messagesV1.Message {
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? undefined,
    authorId: message.authorId,
    content: message.content,
    timestamp: message.createdAt,
    editedTimestamp: message.editedAt ?? undefined,
    tts: message.tts,
    mentionEveryone: message.mentionEveryone,
    mentionUserIds: message.mentionUserIds,
    mentionRoleIds: message.mentionRoleIds,
    attachmentsJson: jsonBytes(message.attachmentsJson),
    embedsJson: jsonBytes(message.embedsJson),
    nonce,
    pinned: message.pinned,
    type: message.type,
    flags: message.flags,
    messageReference: message.reference
      ? { messageId: message.reference.messageId, channelId: message.reference.channelId, guildId: message.reference.guildId ?? undefined }
      : undefined,
    componentsJson: jsonBytes(message.componentsJson),
    webhookId: message.origin?.webhookId,
    applicationId: message.origin?.applicationId,
    interactionMetadataJson: message.origin?.interactionMetadataJson ? Buffer.from(message.origin.interactionMetadataJson, 'utf8') : EMPTY,
    authorOverrideJson: message.origin?.authorOverride ? Buffer.from(JSON.stringify(message.origin.authorOverride), 'utf8') : EMPTY,
    pollJson: message.pollJson === null ? undefined : Buffer.from(message.pollJson, 'utf8'),
  };
}
