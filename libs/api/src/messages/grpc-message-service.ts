/**
 * The REST API's message service over gRPC: adapts @chat/messages-client's
 * channel-affine MessagesRouter (or anything with its methods) to
 * RestMessageService, converting proto messages to the store's shape.
 */
import { errorKindOf } from '@chat/errors';
import type { MessagesRouter } from '@chat/messages-client';
import type { messagesV1 } from '@chat/proto';
import { dateOf } from '@chat/snowflake';
import type { MessageOrigin, StoredMessage } from '@chat/store';
import type { RestMessageService } from './message-service.port';

/** The router methods the adapter calls. */
export type MessagesRpc = Pick<MessagesRouter, 'createMessage' | 'getMessage' | 'getHistory' | 'editMessage' | 'deleteMessage' | 'bulkDeleteMessages'>;

/** Options of {@link grpcMessageService}. */
export interface GrpcMessageServiceOptions {
  /** Deadline of each call in ms (default 5000). */
  timeoutMs?: number;
}

/** Wraps a MessagesRouter as the REST API's message service. */
export function grpcMessageService(rpc: MessagesRpc, options: GrpcMessageServiceOptions = {}): RestMessageService {
  const call = () => ({ timeoutMs: options.timeoutMs ?? 5000 });
  return {
    async create(input) {
      const response = await rpc.createMessage(
        {
          channelId: input.channelId,
          ...(input.guildId !== null ? { guildId: input.guildId } : {}),
          authorId: input.authorId,
          content: input.content,
          tts: input.tts,
          nonce: input.nonce,
          enforceNonce: input.enforceNonce,
          mentionEveryone: input.mentionEveryone,
          mentionUserIds: input.mentionUserIds,
          mentionRoleIds: input.mentionRoleIds,
          attachmentsJson: Buffer.from(input.attachmentsJson === '[]' ? '' : input.attachmentsJson),
          embedsJson: Buffer.from(input.embedsJson === '[]' ? '' : input.embedsJson),
          type: input.type,
          flags: input.flags,
          ...(input.reference ? { messageReference: { messageId: input.reference.messageId, channelId: input.reference.channelId, ...(input.reference.guildId !== null ? { guildId: input.reference.guildId } : {}) } } : {}),
          recipientUserIds: input.recipientUserIds,
          componentsJson: jsonBytes(input.componentsJson),
          ...(input.origin?.webhookId ? { webhookId: input.origin.webhookId } : {}),
          ...(input.origin?.applicationId ? { applicationId: input.origin.applicationId } : {}),
          interactionMetadataJson: Buffer.from(input.origin?.interactionMetadataJson ?? ''),
          authorOverrideJson: Buffer.from(input.origin?.authorOverride ? JSON.stringify(input.origin.authorOverride) : ''),
          ...(input.pollJson != null ? { pollJson: Buffer.from(input.pollJson) } : {}),
        },
        call(),
      );
      return fromProto(required(response.message));
    },
    async get(channelId, messageId) {
      try {
        const response = await rpc.getMessage({ channelId, messageId }, call());
        return response.message ? fromProto(response.message) : undefined;
      } catch (error) {
        if (errorKindOf(error) === 'not_found') return undefined;
        throw error;
      }
    },
    async history(query) {
      const anchor =
        query.around !== undefined
          ? { $case: 'around' as const, around: query.around }
          : query.before !== undefined
            ? { $case: 'before' as const, before: query.before }
            : query.after !== undefined
              ? { $case: 'after' as const, after: query.after }
              : undefined;
      const response = await rpc.getHistory({ channelId: query.channelId, limit: query.limit, ...(anchor ? { anchor } : {}) }, call());
      return response.messages.map(fromProto);
    },
    async edit(channelId, messageId, patch) {
      const response = await rpc.editMessage(
        {
          channelId,
          messageId,
          ...(patch.content !== undefined ? { content: patch.content } : {}),
          mentionEveryone: patch.mentionEveryone ?? false,
          mentionUserIds: patch.mentionUserIds ?? [],
          mentionRoleIds: patch.mentionRoleIds ?? [],
          ...(patch.embedsJson !== undefined ? { embedsJson: Buffer.from(patch.embedsJson) } : {}),
          ...(patch.componentsJson !== undefined ? { componentsJson: Buffer.from(patch.componentsJson) } : {}),
          ...(patch.attachmentsJson !== undefined ? { attachmentsJson: Buffer.from(patch.attachmentsJson) } : {}),
          ...(patch.pinned !== undefined ? { pinned: patch.pinned } : {}),
          ...(patch.pollJson !== undefined ? { pollJson: Buffer.from(patch.pollJson) } : {}),
          ...(patch.flags !== undefined ? { flags: patch.flags } : {}),
          recipientUserIds: patch.recipientUserIds,
        },
        call(),
      );
      return fromProto(required(response.message));
    },
    async delete(channelId, messageId, recipientUserIds) {
      try {
        const response = await rpc.deleteMessage({ channelId, messageId, recipientUserIds }, call());
        return response.message ? fromProto(response.message) : undefined;
      } catch (error) {
        if (errorKindOf(error) === 'not_found') return undefined;
        throw error;
      }
    },
    async bulkDelete(channelId, messageIds) {
      const response = await rpc.bulkDeleteMessages({ channelId, messageIds }, call());
      return response.deletedMessageIds;
    },
  };
}

function required(message: messagesV1.Message | undefined): messagesV1.Message {
  if (!message) throw new Error('message service answered without a message');
  return message;
}

/** A proto message in the store's shape (empty JSON bytes become "[]"; an empty nonce becomes null; an unset poll becomes null). */
export function fromProto(message: messagesV1.Message): StoredMessage {
  const json = (bytes: Buffer) => (bytes.length === 0 ? '[]' : bytes.toString('utf8'));
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? null,
    authorId: message.authorId,
    content: message.content,
    createdAt: message.timestamp ?? dateOf(message.id),
    editedAt: message.editedTimestamp ?? null,
    tts: message.tts,
    mentionEveryone: message.mentionEveryone,
    mentionUserIds: message.mentionUserIds,
    mentionRoleIds: message.mentionRoleIds,
    attachmentsJson: json(message.attachmentsJson),
    embedsJson: json(message.embedsJson),
    nonce: message.nonce === '' ? null : message.nonce,
    pinned: message.pinned,
    type: message.type,
    flags: message.flags,
    reference: message.messageReference ? { messageId: message.messageReference.messageId, channelId: message.messageReference.channelId, guildId: message.messageReference.guildId ?? null } : null,
    componentsJson: json(message.componentsJson),
    origin: originFromProto(message),
    pollJson: message.pollJson === undefined ? null : message.pollJson.toString('utf8'),
  };
}

const jsonBytes = (json: string | undefined): Buffer => Buffer.from(json === undefined || json === '[]' ? '' : json);

function originFromProto(message: messagesV1.Message): MessageOrigin | null {
  const origin: MessageOrigin = {};
  if (message.webhookId) origin.webhookId = message.webhookId;
  if (message.applicationId) origin.applicationId = message.applicationId;
  if (message.interactionMetadataJson.length > 0) origin.interactionMetadataJson = message.interactionMetadataJson.toString('utf8');
  if (message.authorOverrideJson.length > 0) origin.authorOverride = JSON.parse(message.authorOverrideJson.toString('utf8')) as MessageOrigin['authorOverride'];
  return Object.keys(origin).length === 0 ? null : origin;
}
