/** Builds message objects for responses and dispatches: authors, members and mentioned users resolved in one read each. */
import type { StoredMessage, StoredUser } from '@chat/store';
import { redactMessage, toDiscordMessage, type DiscordMessage } from '@chat/discord';
import { dispatchOf, publishToGuild, sendToUsers, usersById, type ResolvedDeps } from '../route-context';
import type { ChannelAccess } from '../access';

/** A stand-in for an author whose account no longer exists (Discord shows "Deleted User"). */
function deletedUser(id: string): StoredUser {
  return { id, username: 'Deleted User', discriminator: '0000', globalName: null, avatar: null, bot: false, flags: 0, email: null, createdAt: new Date(0) };
}

/** Message objects for a page (no `member`, as Discord's history). */
export async function messagesJson(deps: ResolvedDeps, messages: readonly StoredMessage[]): Promise<DiscordMessage[]> {
  const users = await usersById(deps, messages.flatMap((m) => [m.authorId, ...m.mentionUserIds]));
  return messages.map((message) =>
    toDiscordMessage(message, {
      author: users.get(message.authorId) ?? deletedUser(message.authorId),
      mentions: message.mentionUserIds.flatMap((id) => users.get(id) ?? []),
    }),
  );
}

/** One message object with the author's member (create and edit answers, MESSAGE_CREATE/UPDATE). */
export async function messageJsonWithMember(deps: ResolvedDeps, message: StoredMessage): Promise<DiscordMessage> {
  const users = await usersById(deps, [message.authorId, ...message.mentionUserIds]);
  const member = message.guildId === null ? undefined : await deps.store.guilds.getMember(message.guildId, message.authorId);
  return toDiscordMessage(message, {
    author: users.get(message.authorId) ?? deletedUser(message.authorId),
    ...(member ? { member } : {}),
    mentions: message.mentionUserIds.flatMap((id) => users.get(id) ?? []),
  });
}

/** Publishes a message event to the guild (with the redacted payload and mention filter) or to the DM's recipients. */
export async function publishMessageEvent(deps: ResolvedDeps, access: ChannelAccess, type: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: StoredMessage, json: DiscordMessage): Promise<void> {
  if (access.channel.guildId === null) {
    await sendToUsers(deps, access.channel.recipientIds, dispatchOf(type, json, { channelId: message.channelId, authorId: message.authorId }));
    return;
  }
  await publishToGuild(
    deps,
    access.channel.guildId,
    dispatchOf(type, json, {
      redactedPayloadJson: JSON.stringify(redactMessage(json)),
      channelId: message.channelId,
      authorId: message.authorId,
      mentionedUserIds: message.mentionUserIds,
      mentionedRoleIds: message.mentionRoleIds,
      mentionEveryone: message.mentionEveryone,
      ...(type === 'MESSAGE_CREATE' ? { dedupeKey: message.id } : {}),
    }),
  );
}

/** Publishes a non-message event of a channel (delete, bulk delete, typing) to its guild or its DM recipients. */
export async function publishChannelEvent(deps: ResolvedDeps, access: ChannelAccess, type: string, payload: unknown): Promise<void> {
  const dispatch = dispatchOf(type, payload, { channelId: access.channel.id });
  if (access.channel.guildId === null) await sendToUsers(deps, access.channel.recipientIds, dispatch);
  else await publishToGuild(deps, access.channel.guildId, dispatch);
}
