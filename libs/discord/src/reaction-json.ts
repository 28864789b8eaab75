/** Discord's reaction object and the emoji objects of reaction events. */
import type { ReactionCount } from '@chat/store';

/** Discord's partial emoji: a custom emoji has an id, a unicode emoji only a name. */
export interface DiscordPartialEmoji {
  id: string | null;
  name: string;
  animated?: boolean;
}

/** Discord's reaction object (one emoji on a message, normal and burst summed). */
export interface DiscordReaction {
  count: number;
  count_details: { burst: number; normal: number };
  me: boolean;
  me_burst: boolean;
  emoji: DiscordPartialEmoji;
  burst_colors: string[];
}

/** A custom emoji's key is its snowflake; a unicode emoji's is the emoji itself (never all digits). */
export function isCustomEmojiKey(emojiKey: string): boolean {
  return /^\d+$/.test(emojiKey);
}

/** The partial emoji of a stored reaction key and name. */
export function toDiscordPartialEmoji(emojiKey: string, emojiName: string, animated = false): DiscordPartialEmoji {
  if (!isCustomEmojiKey(emojiKey)) return { id: null, name: emojiName };
  return animated ? { id: emojiKey, name: emojiName, animated: true } : { id: emojiKey, name: emojiName };
}

/**
 * A message's reactions from the store's per-type counts (already in
 * first-reaction order): one object per emoji with both types summed.
 */
export function toDiscordReactions(counts: readonly ReactionCount[], isAnimated: (emojiId: string) => boolean = () => false): DiscordReaction[] {
  const byEmoji = new Map<string, DiscordReaction>();
  for (const c of counts) {
    let reaction = byEmoji.get(c.emojiKey);
    if (!reaction) {
      reaction = {
        count: 0,
        count_details: { burst: 0, normal: 0 },
        me: false,
        me_burst: false,
        emoji: toDiscordPartialEmoji(c.emojiKey, c.emojiName, isCustomEmojiKey(c.emojiKey) && isAnimated(c.emojiKey)),
        burst_colors: [],
      };
      byEmoji.set(c.emojiKey, reaction);
    }
    reaction.count += c.count;
    if (c.type === 1) {
      reaction.count_details.burst += c.count;
      reaction.me_burst ||= c.me;
    } else {
      reaction.count_details.normal += c.count;
      reaction.me ||= c.me;
    }
  }
  return [...byEmoji.values()];
}
