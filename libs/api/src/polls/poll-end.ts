/**
 * Ending a poll, early (its author) or when it runs out (the ending job):
 * exactly once per poll, whichever API node gets there first (a
 * conditional write on an `ended` record), then MESSAGE_UPDATE with the
 * final results and Discord's poll-result notice (type 46).
 *
 * Running out is found through an index of polls by the hour they expire
 * (`poll_endings`, partition = the hour): the job lists the hours up to now
 * and ends what is due. A node that starts looks back over the longest poll
 * (32 days); after that, each pass looks back two hours.
 */
import { parseStoredPoll, pollEnded, type StoredPoll } from '@chat/discord';
import type { StoredChannel, StoredMessage } from '@chat/store';
import type { ChannelAccess } from '../access';
import type { ResolvedDeps } from '../route-context';
import { messageJsonWithMember, publishMessageEvent } from '../routes/message-json';
import { postSystemMessage } from '../messages/system-messages';
import { voteCounts } from './poll-votes';

/** Discord's type 46: the poll-result notice. */
const POLL_RESULT = 46;
const HOUR_MS = 60 * 60 * 1000;
/** The longest poll (768 hours) and a day: how long an `ended` mark is kept. */
const ENDED_TTL_SECONDS = (768 + 24) * 60 * 60;

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** Records that a poll ends at `expiryMs`, for the ending job. */
export async function indexPollEnding(deps: ResolvedDeps, channelId: string, messageId: string, expiryMs: number): Promise<void> {
  await deps.store.records.put('poll_endings', String(hourOf(expiryMs)), `${channelId}/${messageId}`, String(expiryMs), { ttlSeconds: ENDED_TTL_SECONDS });
}

/** Claims the end of a poll; true for the one caller that gets it. */
async function claimEnd(deps: ResolvedDeps, messageId: string): Promise<boolean> {
  return deps.store.records.insertIfAbsent('poll_ended', messageId, 'e', String(deps.clock()), { ttlSeconds: ENDED_TTL_SECONDS });
}

/** The poll-result notice's embed (Discord's `poll_result` fields). */
function resultEmbed(poll: StoredPoll, counts: readonly { id: number; count: number }[]): unknown {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const victor = [...counts].sort((a, b) => b.count - a.count || a.id - b.id)[0];
  const answer = victor ? poll.answers.find((a) => a.answer_id === victor.id) : undefined;
  return {
    type: 'poll_result',
    fields: [
      { name: 'poll_question_text', value: poll.question.text, inline: false },
      { name: 'victor_answer_votes', value: String(victor?.count ?? 0), inline: false },
      { name: 'total_votes', value: String(total), inline: false },
      ...(answer ? [{ name: 'victor_answer_id', value: String(answer.answer_id), inline: false }, { name: 'victor_answer_text', value: answer.poll_media.text, inline: false }] : []),
    ],
  };
}

/**
 * Ends a poll once: `early` moves its expiry to now first. Answers the
 * message as it stands, or undefined when another caller ended it already.
 */
export async function endPoll(deps: ResolvedDeps, access: ChannelAccess, message: StoredMessage, poll: StoredPoll, early: boolean): Promise<StoredMessage | undefined> {
  if (!(await claimEnd(deps, message.id))) return undefined;
  const recipientUserIds = access.channel.guildId === null ? access.channel.recipientIds : [];
  let current = message;
  const final = early ? { ...poll, expiry: new Date(deps.clock()).toISOString() } : poll;
  if (early) current = await deps.messages.edit(access.channel.id, message.id, { pollJson: JSON.stringify(final), recipientUserIds });
  await publishMessageEvent(deps, access, 'MESSAGE_UPDATE', current, await messageJsonWithMember(deps, current));
  const counts = (await voteCounts(deps.store.reactions, access.channel.id, [message.id], undefined)).get(message.id) ?? [];
  await postSystemMessage(deps, access, message, { type: POLL_RESULT, authorId: message.authorId, embeds: [resultEmbed(final, counts)] });
  return current;
}

/** What one pass of the ending job did. */
export interface PollEndingResult {
  checked: number;
  ended: number;
}

/** Ends every indexed poll whose expiry is at or before `now`, looking back `lookBackMs`. */
export async function endDuePolls(deps: ResolvedDeps, now: number, lookBackMs: number): Promise<PollEndingResult> {
  const result: PollEndingResult = { checked: 0, ended: 0 };
  for (let hour = hourOf(now - lookBackMs); hour <= hourOf(now); hour++) {
    for (const entry of await deps.store.records.list('poll_endings', String(hour))) {
      if (Number(entry.value) > now) continue;
      result.checked++;
      const [channelId, messageId] = entry.key.split('/') as [string, string];
      const [channel, message] = await Promise.all([deps.store.guilds.getChannel(channelId), deps.messages.get(channelId, messageId)]);
      const poll = parseStoredPoll(message?.pollJson);
      if (channel && message && poll && pollEnded(poll, now) && (await endPoll(deps, accessOf(channel), message, poll, false))) result.ended++;
      await deps.store.records.delete('poll_endings', String(hour), entry.key);
    }
  }
  return result;
}

/** A channel as the publishers need it (the job acts for nobody in particular). */
const accessOf = (channel: StoredChannel): ChannelAccess => ({ channel, permissions: 0n });
