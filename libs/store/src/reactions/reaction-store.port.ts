/**
 * The reactions port: who reacted to a message with which emoji. Every
 * reaction is its own row keyed (channel, message, emoji, type, user), so
 * adding one twice is a no-op and counts are row counts: N people reacting
 * at once end with count N on either backend, with no read-modify-write of
 * a counter. A message's reactions are one partition on Scylla.
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** Discord's reaction types: 0 normal, 1 burst (super reaction). */
export type ReactionType = 0 | 1;

/** Which reaction: the emoji is a custom emoji's id or a unicode emoji's text. */
export interface ReactionTarget {
  channelId: string;
  messageId: string;
  /** A custom emoji's snowflake, or the unicode emoji itself. */
  emojiKey: string;
  type: ReactionType;
}

/** One user's reaction to add. */
export interface NewReaction extends ReactionTarget {
  userId: string;
  /** The custom emoji's name at reaction time (the unicode text for unicode emojis). */
  emojiName: string;
  /** Unix ms. */
  at: number;
}

/** One emoji of one type on a message, summed. */
export interface ReactionCount {
  emojiKey: string;
  emojiName: string;
  type: ReactionType;
  count: number;
  /** Whether the viewer is among those who reacted. */
  me: boolean;
  /** When the first of these reactions was added (orders a message's reactions). */
  firstAt: number;
}

/** A page of one emoji's reactors. */
export interface ReactorPage {
  /** Only user ids above this one. */
  after?: string;
  limit: number;
}

/** Most user ids one page returns. */
export const MAX_REACTOR_PAGE = 100;

/** The reactions port. */
export interface ReactionStore {
  /** Adds a reaction; true when it was not there before. */
  add(reaction: NewReaction, options?: StoreCallOptions): Promise<boolean>;
  /** Removes one user's reaction; true when it was there. */
  remove(target: ReactionTarget, userId: string, options?: StoreCallOptions): Promise<boolean>;
  /** Removes every reaction of one emoji (both types); true when there was any. */
  removeEmoji(channelId: string, messageId: string, emojiKey: string, options?: StoreCallOptions): Promise<boolean>;
  /** Removes every reaction of a message; true when there was any. */
  removeAll(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean>;
  /**
   * The counts of each message's reactions, oldest emoji first, with `me`
   * for the viewer; messages without reactions are absent from the map.
   */
  counts(channelId: string, messageIds: readonly string[], viewerId: string | undefined, options?: StoreCallOptions): Promise<Map<string, ReactionCount[]>>;
  /** The ids of users who reacted with one emoji and type, ascending. */
  reactors(target: ReactionTarget, page: ReactorPage, options?: StoreCallOptions): Promise<string[]>;
}
