/** The MESSAGE_REACTION_* dispatches (Discord's payloads), sent where the message's channel is seen. */
import { toDiscordMember, toDiscordPartialEmoji, toDiscordUser } from '@chat/discord';
import type { StoredMember, StoredMessage } from '@chat/store';
import type { ChannelAccess } from '../access';
import { usersById, type ResolvedDeps } from '../route-context';
import { publishChannelEvent } from '../routes/message-json';
import type { ReactionEmoji } from './reaction-emoji';

const where = (access: ChannelAccess, message: StoredMessage) => ({
  channel_id: access.channel.id,
  message_id: message.id,
  ...(access.channel.guildId ? { guild_id: access.channel.guildId } : {}),
});

const emojiJson = (emoji: ReactionEmoji) => toDiscordPartialEmoji(emoji.key, emoji.name, emoji.animated);

/** MESSAGE_REACTION_ADD, with the reactor's member (and its user) in a guild. */
export async function announceReactionAdd(deps: ResolvedDeps, access: ChannelAccess, message: StoredMessage, emoji: ReactionEmoji, userId: string, burst: boolean, member: StoredMember | undefined): Promise<void> {
  const user = member ? (await usersById(deps, [userId])).get(userId) : undefined;
  await publishChannelEvent(deps, access, 'MESSAGE_REACTION_ADD', {
    user_id: userId,
    ...where(access, message),
    ...(member ? { member: { ...toDiscordMember(member), ...(user ? { user: toDiscordUser(user) } : {}) } } : {}),
    emoji: emojiJson(emoji),
    message_author_id: message.authorId,
    burst,
    burst_colors: [],
    type: burst ? 1 : 0,
  });
}

/** MESSAGE_REACTION_REMOVE. */
export async function announceReactionRemove(deps: ResolvedDeps, access: ChannelAccess, message: StoredMessage, emoji: ReactionEmoji, userId: string, burst: boolean): Promise<void> {
  await publishChannelEvent(deps, access, 'MESSAGE_REACTION_REMOVE', { user_id: userId, ...where(access, message), emoji: emojiJson(emoji), burst, type: burst ? 1 : 0 });
}

/** MESSAGE_REACTION_REMOVE_EMOJI. */
export async function announceReactionRemoveEmoji(deps: ResolvedDeps, access: ChannelAccess, message: StoredMessage, emoji: ReactionEmoji): Promise<void> {
  await publishChannelEvent(deps, access, 'MESSAGE_REACTION_REMOVE_EMOJI', { ...where(access, message), emoji: emojiJson(emoji) });
}

/** MESSAGE_REACTION_REMOVE_ALL. */
export async function announceReactionRemoveAll(deps: ResolvedDeps, access: ChannelAccess, message: StoredMessage): Promise<void> {
  await publishChannelEvent(deps, access, 'MESSAGE_REACTION_REMOVE_ALL', where(access, message));
}
