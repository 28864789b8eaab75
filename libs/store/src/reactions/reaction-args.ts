/** Argument checks shared by the reaction adapters. */
import { InvalidStoreArgumentError } from '../errors';
import { MAX_REACTOR_PAGE, type ReactionType, type ReactorPage } from './reaction-store.port';

/** Longest emoji key: a snowflake, or a unicode emoji sequence (the longest RGI sequences are under 40 code units). */
const MAX_EMOJI_KEY_LENGTH = 64;

/** Throws unless the emoji key is a non-empty string of at most 64 characters. */
export function checkEmojiKey(emojiKey: string): string {
  if (typeof emojiKey !== 'string' || emojiKey.length === 0 || emojiKey.length > MAX_EMOJI_KEY_LENGTH) {
    throw new InvalidStoreArgumentError('emojiKey', emojiKey, `a string of 1 to ${MAX_EMOJI_KEY_LENGTH} characters`);
  }
  return emojiKey;
}

/** Throws unless the type is 0 (normal) or 1 (burst). */
export function checkReactionType(type: ReactionType): ReactionType {
  if (type !== 0 && type !== 1) throw new InvalidStoreArgumentError('type', type, '0 (normal) or 1 (burst)');
  return type;
}

/** Throws unless the page limit is 1 to MAX_REACTOR_PAGE. */
export function checkReactorPage(page: ReactorPage): ReactorPage {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_REACTOR_PAGE) {
    throw new InvalidStoreArgumentError('limit', page.limit, `a whole number from 1 to ${MAX_REACTOR_PAGE}`);
  }
  return page;
}

/** Orders one message's counts: oldest emoji first, normal before burst on a tie. */
export function byFirstReaction(a: { firstAt: number; emojiKey: string; type: number }, b: { firstAt: number; emojiKey: string; type: number }): number {
  return a.firstAt - b.firstAt || (a.emojiKey < b.emojiKey ? -1 : a.emojiKey > b.emojiKey ? 1 : a.type - b.type);
}
