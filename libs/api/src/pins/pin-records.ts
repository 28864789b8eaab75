/**
 * A channel's pins, kept as records (@chat/store RecordStore): partition
 * the channel, key the message id, value when it was pinned. The message's
 * own `pinned` flag is set too; this list is what orders pins by pin time
 * and counts them against Discord's limit.
 */
import type { RecordStore } from '@chat/store';

/** Pins a channel may hold (Discord's current limit). */
export const MAX_PINS = 250;

/** One pin. */
export interface Pin {
  messageId: string;
  /** Unix ms. */
  pinnedAt: number;
}

/** Typed access to the pin records. */
export class PinRecords {
  constructor(private readonly records: RecordStore) {}

  /** The channel's pins, most recently pinned first. */
  async list(channelId: string): Promise<Pin[]> {
    const rows = await this.records.list('pins', channelId);
    return rows.map((row) => ({ messageId: row.key, pinnedAt: Number(row.value) })).sort((a, b) => b.pinnedAt - a.pinnedAt || (a.messageId < b.messageId ? 1 : -1));
  }

  async add(channelId: string, messageId: string, pinnedAt: number): Promise<void> {
    await this.records.put('pins', channelId, messageId, String(pinnedAt));
  }

  /** Removes a pin; false when the message was not pinned. */
  async remove(channelId: string, messageId: string): Promise<boolean> {
    return this.records.delete('pins', channelId, messageId);
  }
}
