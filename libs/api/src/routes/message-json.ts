/** Builds message objects for responses and dispatches: authors, members and mentioned users resolved in one read each. */
import type { StoredMessage, StoredUser } from '@chat/store';
import { attachmentPath, parseStoredPoll, redactMessage, toDiscordMessage, toDiscordPoll, toDiscordReactions, type DiscordMessage, type DiscordPoll, type DiscordReaction, type StoredAttachment } from '@chat/discord';
import { dispatchOf, publishToGuild, sendToUsers, usersById, type ResolvedDeps } from '../route-context';
import type { ChannelAccess } from '../access';
import { isVoteKey, votesOf } from '../polls/poll-votes';

/** A stand-in for an author whose account no longer exists (Discord shows "Deleted User"). */
function deletedUser(id: string): StoredUser {
  return { id, username: 'Deleted User', discriminator: '0000', globalName: null, avatar: null, bot: false, flags: 0, email: null, createdAt: new Date(0) };
}

/** Signs an attachment's CDN URL (Discord's `ex`/`is`/`hm`); only ever called for someone who may read the message. */
export function attachmentUrlSigner(deps: ResolvedDeps): (channelId: string, attachment: StoredAttachment) => string {
  const now = deps.clock();
  return (channelId, attachment) => {
    const path = attachmentPath(channelId, attachment);
    return `${deps.cdn.baseUrl}${path}?${deps.signer.sign(path, now)}`;
  };
}

/** What a message's reactions-port rows come to for a reader: its reactions, and its poll with results. */
interface Marks {
  reactions: DiscordReaction[];
  poll?: DiscordPoll;
}

/** The reactions and polls of messages (of any channels), with `me` for the viewer; one store read per channel. */
export async function marksOf(deps: ResolvedDeps, messages: readonly StoredMessage[], viewerId: string | undefined): Promise<Map<string, Marks>> {
  const byChannel = new Map<string, StoredMessage[]>();
  for (const message of messages) byChannel.set(message.channelId, [...(byChannel.get(message.channelId) ?? []), message]);
  const marks = new Map<string, Marks>();
  const now = deps.clock();
  await Promise.all(
    [...byChannel].map(async ([channelId, page]) => {
      const counts = await deps.store.reactions.counts(channelId, page.map((m) => m.id), viewerId);
      for (const message of page) {
        const rows = counts.get(message.id) ?? [];
        const poll = parseStoredPoll(message.pollJson);
        marks.set(`${channelId}/${message.id}`, {
          reactions: toDiscordReactions(rows.filter((c) => !isVoteKey(c.emojiKey))),
          ...(poll ? { poll: toDiscordPoll(poll, votesOf(rows), now) } : {}),
        });
      }
    }),
  );
  return marks;
}

/** Message objects for a page (no `member`, as Discord's history), with reactions as `viewerId` sees them (undefined: nobody's `me`). */
export async function messagesJson(deps: ResolvedDeps, messages: readonly StoredMessage[], viewerId: string | undefined): Promise<DiscordMessage[]> {
  const attachmentUrl = attachmentUrlSigner(deps);
  const [users, marks] = await Promise.all([usersById(deps, messages.flatMap((m) => [m.authorId, ...m.mentionUserIds])), marksOf(deps, messages, viewerId)]);
  return messages.map((message) => {
    const mark = marks.get(`${message.channelId}/${message.id}`);
    return toDiscordMessage(message, {
      author: users.get(message.authorId) ?? deletedUser(message.authorId),
      mentions: message.mentionUserIds.flatMap((id) => users.get(id) ?? []),
      reactions: mark?.reactions ?? [],
      ...(mark?.poll ? { poll: mark.poll } : {}),
      attachmentUrl,
    });
  });
}

/** One message object with the author's member (create and edit answers, MESSAGE_CREATE/UPDATE); a poll carries its results, with nobody's `me_voted`. */
export async function messageJsonWithMember(deps: ResolvedDeps, message: StoredMessage): Promise<DiscordMessage> {
  const users = await usersById(deps, [message.authorId, ...message.mentionUserIds]);
  const member = message.guildId === null ? undefined : await deps.store.guilds.getMember(message.guildId, message.authorId);
  const poll = message.pollJson ? (await marksOf(deps, [message], undefined)).get(`${message.channelId}/${message.id}`)?.poll : undefined;
  return toDiscordMessage(message, {
    author: users.get(message.authorId) ?? deletedUser(message.authorId),
    ...(member ? { member } : {}),
    mentions: message.mentionUserIds.flatMap((id) => users.get(id) ?? []),
    attachmentUrl: attachmentUrlSigner(deps),
    ...(poll ? { poll } : {}),
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
