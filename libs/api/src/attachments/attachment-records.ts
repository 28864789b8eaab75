/**
 * Which message owns an uploaded attachment, kept as records (@chat/store
 * RecordStore):
 *
 *   attachments  (attachment id)  "a" -> {channelId, messageId | null, at}
 *
 * Written as pending (no message) before the bytes are stored and settled
 * once the message exists, so the sweep can tell an upload whose message
 * never came (or was deleted) from one in use, whatever crashed when.
 */
import type { RecordStore } from '@chat/store';

/** One attachment's owner. */
export interface AttachmentOwner {
  channelId: string;
  /** Null while the message is not known to exist yet. */
  messageId: string | null;
  /** When the upload started (Unix ms). */
  at: number;
}

/** Typed access to the attachment records. */
export class AttachmentRecords {
  constructor(private readonly records: RecordStore) {}

  async get(attachmentId: string): Promise<AttachmentOwner | undefined> {
    const value = await this.records.get('attachments', attachmentId, 'a');
    return value === undefined ? undefined : (JSON.parse(value) as AttachmentOwner);
  }

  async pending(attachmentId: string, channelId: string, at: number): Promise<void> {
    await this.records.put('attachments', attachmentId, 'a', JSON.stringify({ channelId, messageId: null, at } satisfies AttachmentOwner));
  }

  async settle(attachmentId: string, owner: AttachmentOwner): Promise<void> {
    await this.records.put('attachments', attachmentId, 'a', JSON.stringify(owner));
  }

  async remove(attachmentId: string): Promise<void> {
    await this.records.delete('attachments', attachmentId, 'a');
  }
}
