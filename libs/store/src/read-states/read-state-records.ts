/**
 * Checks a read state before either adapter writes it.
 */
import { InvalidStoreArgumentError } from '../errors';
import { toDbId, toDbIdOrNull } from '../ids';
import type { ReadState } from './read-state-store.port';

/**
 * Returns the state's ids as bigints.
 *
 * @throws {InvalidStoreArgumentError} for a malformed id or a mention count that is not an integer >= 0.
 */
export function checkReadState(state: ReadState, index: number): { userId: bigint; channelId: bigint; lastMessageId: bigint | null; lastMentionId: bigint | null } {
  const at = `states[${index}]`;
  if (!Number.isInteger(state.mentionCount) || state.mentionCount < 0 || state.mentionCount > 2 ** 31 - 1) {
    throw new InvalidStoreArgumentError(`${at}.mentionCount`, state.mentionCount, 'an integer 0..2^31-1');
  }
  return {
    userId: toDbId(state.userId, `${at}.userId`),
    channelId: toDbId(state.channelId, `${at}.channelId`),
    lastMessageId: toDbIdOrNull(state.lastMessageId, `${at}.lastMessageId`),
    lastMentionId: toDbIdOrNull(state.lastMentionId, `${at}.lastMentionId`),
  };
}
