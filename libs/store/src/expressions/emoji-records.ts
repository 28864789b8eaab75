/**
 * Custom emojis, kept as records (RecordStore):
 *
 *   emojis        (owner)     emoji id -> the emoji
 *   emoji_owners  (emoji id)  "o" -> owner
 *
 * An owner is a guild id, or `app:<application id>` for application emojis.
 * The owner index lets a reaction or a message name an emoji by id alone.
 * The API writes them; the guild actor reads a guild's for GUILD_CREATE.
 */
import type { RecordStore } from '../records/record-store.port';

/** A stored custom emoji. */
export interface StoredEmoji {
  id: string;
  name: string;
  animated: boolean;
  /** Roles allowed to use it (empty: everyone). */
  roles: string[];
  /** Who uploaded it. */
  creatorId: string;
  /** The image's object-store key. */
  imageKey: string;
}

/** Where an emoji lives: a guild, or an application. */
export type EmojiOwner = { guildId: string } | { applicationId: string };

const ownerText = (owner: EmojiOwner) => ('guildId' in owner ? owner.guildId : `app:${owner.applicationId}`);
const ownerOf = (text: string): EmojiOwner => (text.startsWith('app:') ? { applicationId: text.slice(4) } : { guildId: text });

/** Typed access to the emoji records. */
export class EmojiRecords {
  constructor(private readonly records: RecordStore) {}

  /** An owner's emojis, by id. */
  async list(owner: EmojiOwner): Promise<StoredEmoji[]> {
    return (await this.records.list('emojis', ownerText(owner))).map((row) => JSON.parse(row.value) as StoredEmoji);
  }

  async get(owner: EmojiOwner, emojiId: string): Promise<StoredEmoji | undefined> {
    const value = await this.records.get('emojis', ownerText(owner), emojiId);
    return value === undefined ? undefined : (JSON.parse(value) as StoredEmoji);
  }

  /** An emoji by id alone, with its owner. */
  async find(emojiId: string): Promise<{ emoji: StoredEmoji; owner: EmojiOwner } | undefined> {
    const owner = await this.records.get('emoji_owners', emojiId, 'o');
    if (owner === undefined) return undefined;
    const emoji = await this.get(ownerOf(owner), emojiId);
    return emoji ? { emoji, owner: ownerOf(owner) } : undefined;
  }

  async save(owner: EmojiOwner, emoji: StoredEmoji): Promise<void> {
    await this.records.put('emoji_owners', emoji.id, 'o', ownerText(owner));
    await this.records.put('emojis', ownerText(owner), emoji.id, JSON.stringify(emoji));
  }

  async remove(owner: EmojiOwner, emojiId: string): Promise<boolean> {
    const removed = await this.records.delete('emojis', ownerText(owner), emojiId);
    await this.records.delete('emoji_owners', emojiId, 'o');
    return removed;
  }
}
