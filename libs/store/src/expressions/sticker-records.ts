/**
 * Guild stickers, kept as records (RecordStore):
 *
 *   stickers        (guild id)    sticker id -> the sticker
 *   sticker_guilds  (sticker id)  "g" -> guild id
 *
 * The index answers GET /stickers/{id} without knowing the guild.
 */
import type { RecordStore } from '../records/record-store.port';

/** A stored guild sticker. */
export interface StoredSticker {
  id: string;
  guildId: string;
  name: string;
  description: string;
  /** Autocomplete tags (Discord: a unicode emoji name, comma-separated words). */
  tags: string;
  /** 1 PNG, 2 APNG, 3 Lottie, 4 GIF. */
  formatType: number;
  creatorId: string;
  imageKey: string;
}

/** Typed access to the sticker records. */
export class StickerRecords {
  constructor(private readonly records: RecordStore) {}

  async list(guildId: string): Promise<StoredSticker[]> {
    return (await this.records.list('stickers', guildId)).map((row) => JSON.parse(row.value) as StoredSticker);
  }

  async get(guildId: string, stickerId: string): Promise<StoredSticker | undefined> {
    const value = await this.records.get('stickers', guildId, stickerId);
    return value === undefined ? undefined : (JSON.parse(value) as StoredSticker);
  }

  /** A sticker by id alone. */
  async find(stickerId: string): Promise<StoredSticker | undefined> {
    const guildId = await this.records.get('sticker_guilds', stickerId, 'g');
    return guildId === undefined ? undefined : this.get(guildId, stickerId);
  }

  async save(sticker: StoredSticker): Promise<void> {
    await this.records.put('sticker_guilds', sticker.id, 'g', sticker.guildId);
    await this.records.put('stickers', sticker.guildId, sticker.id, JSON.stringify(sticker));
  }

  async remove(sticker: StoredSticker): Promise<void> {
    await this.records.delete('stickers', sticker.guildId, sticker.id);
    await this.records.delete('sticker_guilds', sticker.id, 'g');
  }
}
