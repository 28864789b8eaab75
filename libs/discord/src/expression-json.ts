/** Discord's emoji and sticker objects. */
import type { StoredEmoji, StoredSticker, StoredUser } from '@chat/store';
import { toDiscordUser, type DiscordUser } from './user-json';

/** Discord's (custom) emoji object. */
export interface DiscordEmoji {
  id: string;
  name: string;
  roles: string[];
  user?: DiscordUser;
  require_colons: boolean;
  managed: boolean;
  animated: boolean;
  available: boolean;
}

/** Discord's sticker object (guild stickers: type 2). */
export interface DiscordSticker {
  id: string;
  name: string;
  description: string;
  tags: string;
  type: 2;
  format_type: number;
  available: boolean;
  guild_id: string;
  user?: DiscordUser;
}

/** An emoji; `creator` is shown to those who may manage the guild's expressions, as Discord does. */
export function toDiscordEmoji(emoji: StoredEmoji, creator?: StoredUser): DiscordEmoji {
  return {
    id: emoji.id,
    name: emoji.name,
    roles: [...emoji.roles],
    ...(creator ? { user: toDiscordUser(creator) } : {}),
    require_colons: true,
    managed: false,
    animated: emoji.animated,
    available: true,
  };
}

/** A guild sticker. */
export function toDiscordSticker(sticker: StoredSticker, creator?: StoredUser): DiscordSticker {
  return {
    id: sticker.id,
    name: sticker.name,
    description: sticker.description,
    tags: sticker.tags,
    type: 2,
    format_type: sticker.formatType,
    available: true,
    guild_id: sticker.guildId,
    ...(creator ? { user: toDiscordUser(creator) } : {}),
  };
}
