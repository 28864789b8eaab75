/**
 * Polls: vote and unvote (Discord's client routes `PUT/DELETE
 * .../polls/{message}/answers/{answer}/@me`), list an answer's voters, and
 * end a poll early (its author). Votes are refused once the poll has ended
 * (520001); without multiselect a new vote replaces the voter's other one.
 * MESSAGE_POLL_VOTE_ADD / REMOVE go out with the poll intents. Ending, early
 * or by time, is polls/poll-end.ts.
 */
import { parseStoredPoll, pollEnded, toDiscordUser, type StoredPoll } from '@chat/discord';
import type { StoredMessage } from '@chat/store';
import { loadReadableMessage, type ReadableMessage } from '../messages/readable-message';
import { DiscordErrors, RestError } from '../errors';
import { endPoll } from '../polls/poll-end';
import { voteTarget } from '../polls/poll-votes';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition } from '../route-context';
import { noContent, ok, usersById } from '../route-context';
import { intQuery, snowflakeParam } from '../validation';
import { messageJsonWithMember, publishChannelEvent } from './message-json';

const pollExpired = () => new RestError(400, 520001, 'Poll expired');
const notAPoll = () => new RestError(400, 520006, 'Cannot expire a non-poll message');

interface PollTarget extends ReadableMessage {
  poll: StoredPoll;
}

async function pollTarget(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<PollTarget> {
  const readable = await loadReadableMessage(deps, caller.user.id, params.channelId, params.messageId);
  const poll = parseStoredPoll(readable.message.pollJson);
  if (!poll) throw notAPoll();
  return { ...readable, poll };
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

/** Ends a poll now, for its author; a poll already ended (by time, or by another request) is 520001. */
async function expire(deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<StoredMessage> {
  const t = await pollTarget(deps, caller, params);
  if (t.message.authorId !== caller.user.id) throw DiscordErrors.missingPermissions();
  if (pollEnded(t.poll, deps.clock())) throw pollExpired();
  const updated = await endPoll(deps, t.access, t.message, t.poll, true);
  if (!updated) throw pollExpired();
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
