/**
 * What a deleted message leaves beside it: its pin record and its
 * reactions. Removed after the message is; a failure here is logged, not
 * returned (the message is gone, and nothing reads these rows without it).
 */
import { PinRecords } from '../pins/pin-records';
import type { ResolvedDeps } from '../route-context';

/** Clears the pins and reactions of deleted messages of one channel. */
export async function clearMessageLeftovers(deps: ResolvedDeps, channelId: string, messageIds: readonly string[]): Promise<void> {
  const pins = new PinRecords(deps.store.records);
  try {
    await Promise.all(messageIds.map(async (id) => Promise.all([pins.remove(channelId, id), deps.store.reactions.removeAll(channelId, id)])));
  } catch (error) {
    deps.logger.warn({ err: error, channelId, messageIds }, 'clearing a deleted message\'s pins and reactions failed');
  }
}
