/** A guild's emojis and stickers as the guild object carries them (GET /guilds/{id}, GUILD_CREATE). */
import { toDiscordEmoji, toDiscordSticker, type GuildExpressions } from '@chat/discord';
import { EmojiRecords, StickerRecords } from '@chat/store';
import type { ResolvedDeps } from '../route-context';

/** Reads both lists. */
export async function guildExpressions(deps: ResolvedDeps, guildId: string): Promise<GuildExpressions> {
  const [emojis, stickers] = await Promise.all([new EmojiRecords(deps.store.records).list({ guildId }), new StickerRecords(deps.store.records).list(guildId)]);
  return { emojis: emojis.map((e) => toDiscordEmoji(e)), stickers: stickers.map((s) => toDiscordSticker(s)) };
}
