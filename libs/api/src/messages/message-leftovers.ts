/**
 * What a deleted message leaves beside it: its pin record, its reactions
 * and its attachments' bytes. Removed after the message is; a failure here
 * is logged, not returned (the message is gone and nothing reads these
 * without it; the attachment sweep removes bytes left behind).
 */
import { parseStoredAttachments } from '@chat/discord';
import type { StoredMessage } from '@chat/store';
import { discardAttachments } from '../attachments/attachment-uploads';
import { PinRecords } from '../pins/pin-records';
import type { ResolvedDeps } from '../route-context';

/** Clears the pins, reactions and attachment bytes of deleted messages of one channel. */
export async function clearMessageLeftovers(deps: ResolvedDeps, channelId: string, messages: readonly StoredMessage[]): Promise<void> {
  const pins = new PinRecords(deps.store.records);
  for (const message of messages) discardAttachments(deps, channelId, parseStoredAttachments(message.attachmentsJson));
  try {
    await Promise.all(messages.map(async (m) => Promise.all([pins.remove(channelId, m.id), deps.store.reactions.removeAll(channelId, m.id)])));
  } catch (error) {
    deps.logger.warn({ err: error, channelId, messageIds: messages.map((m) => m.id) }, "clearing a deleted message's pins and reactions failed");
  }
}
