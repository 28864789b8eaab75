/**
 * The attachment sweep: removes bytes no message holds. Deleting a message
 * or an attachment removes its bytes right away, but a process can die
 * between any two steps (bytes stored and the message never created, a
 * message deleted and its bytes not yet), so this pass walks the stored
 * attachments older than a grace period and, for each, asks its owner
 * record: none, or a message that is gone or no longer lists it, means the
 * bytes go. A pending owner (the upload's process died before settling it)
 * is settled when the channel has a message with that attachment from the
 * upload window, and removed otherwise.
 */
import { parseStoredAttachments } from '@chat/discord';
import { timestampOf } from '@chat/snowflake';
import type { ObjectStore } from '@chat/object-store';
import type { RecordStore, StoredMessage } from '@chat/store';
import type { RestMessageService } from '../messages/message-service.port';
import { attachmentObjectKey } from './attachment-keys';
import { AttachmentRecords } from './attachment-records';

/** What the sweep reads and deletes through. */
export interface SweepDeps {
  objects: ObjectStore;
  records: RecordStore;
  messages: Pick<RestMessageService, 'get' | 'history'>;
}

/** What one pass did. */
export interface SweepResult {
  checked: number;
  deleted: number;
  settled: number;
}

/** How long after an upload its message may be created (longer than any request). */
export const UPLOAD_WINDOW_MS = 15 * 60 * 1000;

const KEY = /^attachments\/(\d+)\/(\d+)$/;

const holds = (message: StoredMessage | undefined, attachmentId: string) => message !== undefined && parseStoredAttachments(message.attachmentsJson).some((a) => a.id === attachmentId);

/** Finds the message that took a pending upload: the channel's messages from the upload window. */
async function findOwner(deps: SweepDeps, channelId: string, attachmentId: string): Promise<StoredMessage | undefined> {
  const until = timestampOf(attachmentId) + UPLOAD_WINDOW_MS;
  let after = attachmentId;
  for (;;) {
    const page = await deps.messages.history({ channelId, after, limit: 100 });
    if (page.length === 0) return undefined;
    const found = page.find((m) => holds(m, attachmentId));
    if (found) return found;
    const newest = page.reduce((a, b) => (BigInt(a.id) > BigInt(b.id) ? a : b));
    if (timestampOf(newest.id) > until || page.length < 100) return undefined;
    after = newest.id;
  }
}

/** One pass over every attachment written before `now - graceMs`. */
export async function sweepAttachments(deps: SweepDeps, options: { now: number; graceMs: number }): Promise<SweepResult> {
  const records = new AttachmentRecords(deps.records);
  const result: SweepResult = { checked: 0, deleted: 0, settled: 0 };
  const discard = async (key: string, attachmentId: string) => {
    await deps.objects.delete(key);
    await records.remove(attachmentId);
    result.deleted++;
  };
  let after: string | undefined;
  for (;;) {
    const page = await deps.objects.list('attachments/', { ...(after ? { after } : {}), limit: 1000 });
    if (page.length === 0) return result;
    for (const entry of page) {
      const match = KEY.exec(entry.key);
      if (!match || options.now - entry.modifiedAt < options.graceMs) continue;
      const [channelId, attachmentId] = [match[1] as string, match[2] as string];
      if (entry.key !== attachmentObjectKey(channelId, attachmentId)) continue;
      result.checked++;
      const owner = await records.get(attachmentId);
      if (!owner) {
        await discard(entry.key, attachmentId);
      } else if (owner.messageId === null) {
        const message = await findOwner(deps, channelId, attachmentId);
        if (message) {
          await records.settle(attachmentId, { ...owner, messageId: message.id });
          result.settled++;
        } else {
          await discard(entry.key, attachmentId);
        }
      } else if (!holds(await deps.messages.get(channelId, owner.messageId), attachmentId)) {
        await discard(entry.key, attachmentId);
      }
    }
    after = page[page.length - 1]?.key;
  }
}
