/**
 * Poll votes, kept in the reactions port under the keys `poll:<answer id>`
 * (no emoji key has a colon: custom emojis are ids, unicode ones emoji
 * characters), so a vote is a row per (answer, user) in the message's
 * partition and counts stay right under concurrent votes, as reactions do.
 * The reaction routes and reaction counts leave these keys out.
 */
import type { PollAnswerCount } from '@chat/discord';
import type { ReactionCount, ReactionStore, ReactionTarget } from '@chat/store';

const PREFIX = 'poll:';

/** Whether a reactions-port key is a poll vote's. */
export const isVoteKey = (emojiKey: string) => emojiKey.startsWith(PREFIX);

/** The reactions-port target of one answer's votes. */
export const voteTarget = (channelId: string, messageId: string, answerId: number): ReactionTarget => ({ channelId, messageId, emojiKey: `${PREFIX}${answerId}`, type: 0 });

/** A message's answer counts from its reactions-port rows, by answer id. */
export function votesOf(rows: readonly ReactionCount[]): PollAnswerCount[] {
  return rows.filter((c) => isVoteKey(c.emojiKey)).map((c) => ({ id: Number(c.emojiKey.slice(PREFIX.length)), count: c.count, me_voted: c.me })).sort((a, b) => a.id - b.id);
}

/** The answer counts of polls (by message id), with `me_voted` for the viewer. */
export async function voteCounts(reactions: ReactionStore, channelId: string, messageIds: readonly string[], viewerId: string | undefined): Promise<Map<string, PollAnswerCount[]>> {
  const byMessage = new Map<string, PollAnswerCount[]>();
  if (messageIds.length === 0) return byMessage;
  for (const [messageId, counts] of await reactions.counts(channelId, messageIds, viewerId)) byMessage.set(messageId, votesOf(counts));
  return byMessage;
}
