/**
 * A RestMessageService straight on a MessageStore, for the REST layer's unit
 * tests only: the server always sends messages to the data service
 * (grpc-message-service.ts), which coalesces, validates and publishes them.
 */
import type { MessageStore } from '@chat/store';
import type { CreateMessageInput, EditMessageInput, RestMessageService } from '../messages/message-service.port';

/** Options of {@link storeMessageService}. */
export interface StoreMessageServiceOptions {
  /** Issues message ids (snowflakes). */
  nextId: () => string;
  /** Edit timestamps. */
  now: () => Date;
}

/** Wraps a MessageStore as the REST API's message service. */
export function storeMessageService(store: MessageStore, options: StoreMessageServiceOptions): RestMessageService {
  const recentNonces = new Map<string, string>();
  return {
    async create(input: CreateMessageInput) {
      const nonceKey = `${input.channelId}:${input.authorId}:${input.nonce}`;
      if (input.enforceNonce && input.nonce !== '') {
        const earlier = recentNonces.get(nonceKey);
        const found = earlier === undefined ? undefined : await store.get(input.channelId, earlier);
        if (found) return { ...found, nonce: input.nonce };
      }
      const created = await store.create({
        id: options.nextId(),
        channelId: input.channelId,
        guildId: input.guildId,
        authorId: input.authorId,
        content: input.content,
        tts: input.tts,
        mentionEveryone: input.mentionEveryone,
        mentionUserIds: input.mentionUserIds,
        mentionRoleIds: input.mentionRoleIds,
        attachmentsJson: input.attachmentsJson,
        embedsJson: input.embedsJson,
        nonce: input.nonce === '' ? null : input.nonce,
        type: input.type,
        flags: input.flags,
        reference: input.reference,
        componentsJson: input.componentsJson ?? '[]',
        origin: input.origin ?? null,
        pollJson: input.pollJson ?? null,
      });
      if (input.nonce !== '') {
        recentNonces.set(nonceKey, created.id);
        if (recentNonces.size > 10_000) recentNonces.delete(recentNonces.keys().next().value as string);
      }
      return { ...created, nonce: input.nonce === '' ? null : input.nonce };
    },
    get: (channelId, messageId) => store.get(channelId, messageId),
    history: (query) => store.history(query),
    edit: (channelId, messageId, patch: EditMessageInput) =>
      store.edit(channelId, messageId, {
        // As the data service: pinning alone, or rewriting the poll (ended early), is not an edit.
        ...(Object.keys(patch).every((field) => field === 'pinned' || field === 'pollJson' || field === 'recipientUserIds') ? {} : { editedAt: options.now() }),
        ...(patch.pinned !== undefined ? { pinned: patch.pinned } : {}),
        ...(patch.pollJson !== undefined ? { pollJson: patch.pollJson } : {}),
        ...(patch.content !== undefined
          ? { content: patch.content, mentionEveryone: patch.mentionEveryone ?? false, mentionUserIds: patch.mentionUserIds ?? [], mentionRoleIds: patch.mentionRoleIds ?? [] }
          : {}),
        ...(patch.embedsJson !== undefined ? { embedsJson: patch.embedsJson } : {}),
        ...(patch.componentsJson !== undefined ? { componentsJson: patch.componentsJson } : {}),
        ...(patch.attachmentsJson !== undefined ? { attachmentsJson: patch.attachmentsJson } : {}),
        ...(patch.flags !== undefined ? { flags: patch.flags } : {}),
      }),
    async delete(channelId, messageId) {
      const existing = await store.get(channelId, messageId);
      if (!existing) return undefined;
      const deleted = await store.delete(channelId, messageId);
      return deleted ? existing : undefined;
    },
    bulkDelete: (channelId, messageIds) => store.bulkDelete(channelId, messageIds),
  };
}
