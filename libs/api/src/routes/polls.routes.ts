/**
 * Polls: vote and unvote (Discord's client routes `PUT/DELETE
 * .../polls/{message}/answers/{answer}/@me`), list an answer's voters, and
 * end a poll early (its author). Votes are refused once the poll has ended
 * (520001); without multiselect a new vote replaces the voter's other one.
 * MESSAGE_POLL_VOTE_ADD / REMOVE go out with the poll intents; ending posts
 * Discord's poll-result message (type 46) and MESSAGE_UPDATE with the final
 * results.
 */
import { parseStoredPoll, pollEnded, toDiscordUser, type StoredPoll } from '@chat/discord';
import { Permission } from '@chat/permissions';
import type { StoredMessage } from '@chat/store';
import { loadTextChannel, requirePermission, type ChannelAccess } from '../access';
import { DiscordErrors, RestError } from '../errors';
import { voteCounts, voteTarget } from '../polls/poll-votes';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition } from '../route-context';
import { noContent, ok, usersById } from '../route-context';
import { intQuery, snowflakeParam } from '../validation';
import { messageJsonWithMember, publishChannelEvent, publishMessageEvent } from './message-json';

/** Discord's type 46: the poll-result notice posted when a poll ends. */
const POLL_RESULT = 46;

const pollExpired = () => new RestError(400, 520001, 'Poll expired');
const notAPoll = () => new RestError(400, 520006, 'Cannot expire a non-poll message');

interface PollTarget {
  access: ChannelAccess;
  message: StoredMessage;
  poll: StoredPoll;
}

async function pollTarget(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<PollTarget> {
  const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
  requirePermission(access.permissions, Permission.READ_MESSAGE_HISTORY);
  const message = await deps.messages.get(access.channel.id, snowflakeParam(params.messageId, 'message_id'));
  if (!message) throw DiscordErrors.unknownMessage();
  const poll = parseStoredPoll(message.pollJson);
  if (!poll) throw notAPoll();
  return { access, message, poll };
}

function answerOf(poll: StoredPoll, param: string | undefined): number {
  const id = Number(param);
  if (!Number.isInteger(id) || !poll.answers.some((a) => a.answer_id === id)) throw DiscordErrors.invalidField('answer_id', 'POLL_ANSWER_INVALID', `Unknown answer ${String(param)}`);
  return id;
}

async function announceVote(deps: ResolvedDeps, t: PollTarget, type: 'MESSAGE_POLL_VOTE_ADD' | 'MESSAGE_POLL_VOTE_REMOVE', userId: string, answerId: number): Promise<void> {
  await publishChannelEvent(deps, t.access, type, {
    user_id: userId,
    channel_id: t.access.channel.id,
    message_id: t.message.id,
    ...(t.access.channel.guildId ? { guild_id: t.access.channel.guildId } : {}),
    answer_id: answerId,
  });
}

async function vote(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<void> {
  const t = await pollTarget(deps, caller, params);
  const answerId = answerOf(t.poll, params.answerId);
  if (pollEnded(t.poll, deps.clock())) throw pollExpired();
  if (!t.poll.allow_multiselect) {
    for (const other of t.poll.answers) {
      if (other.answer_id === answerId) continue;
      if (await deps.store.reactions.remove(voteTarget(t.access.channel.id, t.message.id, other.answer_id), caller.user.id)) await announceVote(deps, t, 'MESSAGE_POLL_VOTE_REMOVE', caller.user.id, other.answer_id);
    }
  }
  const added = await deps.store.reactions.add({ ...voteTarget(t.access.channel.id, t.message.id, answerId), userId: caller.user.id, emojiName: '', at: deps.clock() });
  if (added) await announceVote(deps, t, 'MESSAGE_POLL_VOTE_ADD', caller.user.id, answerId);
}

async function unvote(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<void> {
  const t = await pollTarget(deps, caller, params);
  const answerId = answerOf(t.poll, params.answerId);
  if (pollEnded(t.poll, deps.clock())) throw pollExpired();
  if (await deps.store.reactions.remove(voteTarget(t.access.channel.id, t.message.id, answerId), caller.user.id)) await announceVote(deps, t, 'MESSAGE_POLL_VOTE_REMOVE', caller.user.id, answerId);
}

/** Ends a poll now: its expiry moves to now, MESSAGE_UPDATE carries the final results, and the type 46 notice is posted. */
async function expire(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<StoredMessage> {
  const t = await pollTarget(deps, caller, params);
  if (t.message.authorId !== caller.user.id) throw DiscordErrors.missingPermissions();
  if (pollEnded(t.poll, deps.clock())) throw pollExpired();
  const ended: StoredPoll = { ...t.poll, expiry: new Date(deps.clock()).toISOString() };
  const recipientUserIds = t.access.channel.guildId === null ? t.access.channel.recipientIds : [];
  const updated = await deps.messages.edit(t.access.channel.id, t.message.id, { pollJson: JSON.stringify(ended), recipientUserIds });
  await publishMessageEvent(deps, t.access, 'MESSAGE_UPDATE', updated, await messageJsonWithMember(deps, updated));
  const counts = (await voteCounts(deps.store.reactions, t.access.channel.id, [t.message.id], undefined)).get(t.message.id) ?? [];
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const victor = [...counts].sort((a, b) => b.count - a.count || a.id - b.id)[0];
  const victorAnswer = victor ? ended.answers.find((a) => a.answer_id === victor.id) : undefined;
  const fields = [
    { name: 'poll_question_text', value: ended.question.text, inline: false },
    { name: 'victor_answer_votes', value: String(victor?.count ?? 0), inline: false },
    { name: 'total_votes', value: String(total), inline: false },
    ...(victorAnswer ? [{ name: 'victor_answer_id', value: String(victorAnswer.answer_id), inline: false }, { name: 'victor_answer_text', value: victorAnswer.poll_media.text, inline: false }] : []),
  ];
  const notice = await deps.messages.create({
    channelId: t.access.channel.id,
    guildId: t.access.channel.guildId,
    authorId: t.message.authorId,
    content: '',
    tts: false,
    nonce: '',
    enforceNonce: false,
    mentionEveryone: false,
    mentionUserIds: [],
    mentionRoleIds: [],
    embedsJson: JSON.stringify([{ type: 'poll_result', fields }]),
    attachmentsJson: '[]',
    type: POLL_RESULT,
    flags: 0,
    reference: { messageId: t.message.id, channelId: t.access.channel.id, guildId: t.access.channel.guildId },
    recipientUserIds,
  });
  await publishMessageEvent(deps, t.access, 'MESSAGE_CREATE', notice, await messageJsonWithMember(deps, notice));
  return updated;
}

/** The poll routes. */
export function pollRoutes(): [HttpMethod, string, RouteDefinition][] {
  const base = '/channels/:channelId/polls/:messageId';
  return [
    ['PUT', `${base}/answers/:answerId/@me`, { auth: 'required', bucket: 'polls.vote', major: 'channelId', handler: async ({ deps, caller, params }) => {
      await vote(deps, caller, params);
      return noContent();
    } }],
    ['DELETE', `${base}/answers/:answerId/@me`, { auth: 'required', bucket: 'polls.vote', major: 'channelId', handler: async ({ deps, caller, params }) => {
      await unvote(deps, caller, params);
      return noContent();
    } }],
    ['GET', `${base}/answers/:answerId`, { auth: 'required', bucket: 'polls.voters', major: 'channelId', handler: async ({ deps, caller, params, query }) => {
      const t = await pollTarget(deps, caller, params);
      const answerId = answerOf(t.poll, params.answerId);
      const after = query.get('after');
      const ids = await deps.store.reactions.reactors(voteTarget(t.access.channel.id, t.message.id, answerId), {
        ...(after === null ? {} : { after: snowflakeParam(after, 'after') }),
        limit: intQuery(query, 'limit', 1, 100, 25),
      });
      const users = await usersById(deps, ids);
      return ok({ users: ids.flatMap((id) => (users.has(id) ? [toDiscordUser(users.get(id)!)] : [])) });
    } }],
    ['POST', `${base}/expire`, { auth: 'required', bucket: 'polls.expire', major: 'channelId', handler: async ({ deps, caller, params }) => {
      const updated = await expire(deps, caller, params);
      return ok(await messageJsonWithMember(deps, updated));
    } }],
  ];
}
