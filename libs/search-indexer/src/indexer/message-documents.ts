/**
 * chat.events.v1 message events → index operations. A guild message is one
 * document in its guild's scope; a DM message is one document per
 * participant (recipient_user_ids, the author included), so each of them
 * finds it in their own DM scope.
 */
import type { eventsV1, messagesV1 } from '@chat/proto';
import { guildScope, userScope, type DocumentRef, type HasKind, type MessageDocument } from '../index/search-index.port';

/** One write to the index. */
export type IndexOperation = { readonly kind: 'upsert'; readonly document: MessageDocument } | { readonly kind: 'delete'; readonly ref: DocumentRef };

const LINK = /\bhttps?:\/\/[^\s<>]+/i;

function scopesOf(guildId: string | undefined, recipients: readonly string[]): string[] {
  if (guildId !== undefined && guildId !== '') return [guildScope(guildId)];
  return [...new Set(recipients)].map(userScope);
}

function jsonArray(bytes: Uint8Array): Record<string, unknown>[] {
  if (bytes.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
  } catch {
    return [];
  }
}

/** What a message has, as Discord's `has` filter sees it. */
export function hasKindsOf(message: Pick<messagesV1.Message, 'content' | 'attachmentsJson' | 'embedsJson'>): HasKind[] {
  const kinds = new Set<HasKind>();
  if (LINK.test(message.content)) kinds.add('link');
  const attachments = jsonArray(message.attachmentsJson);
  const embeds = jsonArray(message.embedsJson);
  if (embeds.length > 0) kinds.add('embed');
  if (attachments.length > 0) kinds.add('file');
  for (const attachment of attachments) {
    const type = typeof attachment.content_type === 'string' ? attachment.content_type : '';
    if (type.startsWith('image/')) kinds.add('image');
    if (type.startsWith('video/')) kinds.add('video');
    if (type.startsWith('audio/')) kinds.add('sound');
  }
  for (const embed of embeds) {
    if (embed.type === 'image' || embed.image !== undefined) kinds.add('image');
    if (embed.type === 'video' || embed.video !== undefined) kinds.add('video');
  }
  return [...kinds];
}

function upserts(message: messagesV1.Message | undefined, recipients: readonly string[]): IndexOperation[] {
  if (!message) return [];
  const version = (message.editedTimestamp ?? message.timestamp)?.getTime() ?? 0;
  const has = hasKindsOf(message);
  return scopesOf(message.guildId, recipients).map((scope) => ({
    kind: 'upsert' as const,
    document: {
      scope,
      messageId: message.id,
      channelId: message.channelId,
      ...(message.guildId !== undefined && message.guildId !== '' ? { guildId: message.guildId } : {}),
      authorId: message.authorId,
      content: message.content,
      mentionUserIds: message.mentionUserIds,
      has,
      version,
    },
  }));
}

/** The index operations of one envelope; none for events search does not index. */
export function operationsOf(envelope: eventsV1.Envelope): IndexOperation[] {
  const event = envelope.event;
  switch (event?.$case) {
    case 'messageCreated':
      return upserts(event.messageCreated.message, event.messageCreated.recipientUserIds);
    case 'messageUpdated':
      return upserts(event.messageUpdated.message, event.messageUpdated.recipientUserIds);
    case 'messageDeleted': {
      const deleted = event.messageDeleted;
      return scopesOf(deleted.guildId, deleted.recipientUserIds).map((scope) => ({ kind: 'delete' as const, ref: { scope, messageId: deleted.messageId, channelId: deleted.channelId } }));
    }
    case 'messagesBulkDeleted': {
      const bulk = event.messagesBulkDeleted;
      const scope = guildScope(bulk.guildId);
      return bulk.messageIds.map((messageId) => ({ kind: 'delete' as const, ref: { scope, messageId, channelId: bulk.channelId } }));
    }
    default:
      return [];
  }
}
