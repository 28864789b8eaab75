/**
 * System messages about another message (Discord's "pinned a message",
 * type 6, and the poll result, type 46): empty content, a reference to
 * that message, posted like any message and announced with MESSAGE_CREATE.
 */
import type { StoredMessage } from '@chat/store';
import type { ChannelAccess } from '../access';
import type { ResolvedDeps } from '../route-context';
import { messageJsonWithMember, publishMessageEvent } from '../routes/message-json';

/** Posts a system message of `type` by `authorId` referring to `about`, and announces it. */
export async function postSystemMessage(deps: ResolvedDeps, access: ChannelAccess, about: StoredMessage, notice: { type: number; authorId: string; embeds?: unknown[] }): Promise<StoredMessage> {
  const message = await deps.messages.create({
    channelId: access.channel.id,
    guildId: access.channel.guildId,
    authorId: notice.authorId,
    content: '',
    tts: false,
    nonce: '',
    enforceNonce: false,
    mentionEveryone: false,
    mentionUserIds: [],
    mentionRoleIds: [],
    embedsJson: JSON.stringify(notice.embeds ?? []),
    attachmentsJson: '[]',
    type: notice.type,
    flags: 0,
    reference: { messageId: about.id, channelId: access.channel.id, guildId: access.channel.guildId },
    recipientUserIds: access.channel.guildId === null ? access.channel.recipientIds : [],
  });
  await publishMessageEvent(deps, access, 'MESSAGE_CREATE', message, await messageJsonWithMember(deps, message));
  return message;
}
