/**
 * Reactions: add and remove one's own, remove someone else's or all of one
 * emoji or all of a message (MANAGE_MESSAGES), list who reacted. Adding an
 * emoji nobody has used on the message yet takes ADD_REACTIONS and counts
 * against Discord's 20 distinct emojis a message; joining one already there
 * needs only READ_MESSAGE_HISTORY.
 */
import { toDiscordUser } from '@chat/discord';
import { hasPermission, Permission } from '@chat/permissions';
import type { ReactionType } from '@chat/store';
import { requirePermission, type ChannelAccess } from '../access';
import { loadReadableMessage, type ReadableMessage } from '../messages/readable-message';
import { DiscordErrors } from '../errors';
import { resolveReactionEmoji, type ReactionEmoji } from '../reactions/reaction-emoji';
import { isVoteKey } from '../polls/poll-votes';
import { announceReactionAdd, announceReactionRemove, announceReactionRemoveAll, announceReactionRemoveEmoji } from '../reactions/reaction-events';
import type { Caller, HttpMethod, ResolvedDeps, RouteContext, RouteDefinition } from '../route-context';
import { noContent, ok, usersById } from '../route-context';
import { intQuery, snowflakeParam } from '../validation';

/** Distinct emojis a message may carry (Discord's limit). */
export const MAX_REACTION_EMOJIS = 20;

type Target = ReadableMessage;

/** The channel and message a reaction route acts on; every route needs READ_MESSAGE_HISTORY. */
const target = (deps: ResolvedDeps, caller: Caller, params: Record<string, string>): Promise<Target> => loadReadableMessage(deps, caller.user.id, params.channelId, params.messageId);

const typeQuery = (query: URLSearchParams): ReactionType => intQuery(query, 'type', 0, 1, 0) as ReactionType;

/** The distinct emoji keys on a message, oldest first. */
async function emojisOn(deps: ResolvedDeps, { access, message }: Target): Promise<string[]> {
  const counts = (await deps.store.reactions.counts(access.channel.id, [message.id], undefined)).get(message.id) ?? [];
  return [...new Set(counts.filter((c) => !isVoteKey(c.emojiKey)).map((c) => c.emojiKey))];
}

async function addOwn(deps: ResolvedDeps, caller: Caller, params: Record<string, string>, query: URLSearchParams): Promise<void> {
  const t = await target(deps, caller, params);
  const emoji = await resolveReactionEmoji(deps, caller.user.id, t.access, params.emoji);
  const type = typeQuery(query);
  const before = await emojisOn(deps, t);
  const newEmoji = !before.includes(emoji.key);
  if (newEmoji) {
    requirePermission(t.access.permissions, Permission.ADD_REACTIONS);
    if (before.length >= MAX_REACTION_EMOJIS) throw DiscordErrors.maxReactions();
  }
  const reaction = { channelId: t.access.channel.id, messageId: t.message.id, emojiKey: emoji.key, type };
  const added = await deps.store.reactions.add({ ...reaction, userId: caller.user.id, emojiName: emoji.name, at: deps.clock() });
  if (!added) return;
  // Two new emojis racing past the check: the later-first one steps back, so a message never keeps a 21st.
  if (newEmoji && (await emojisOn(deps, t)).indexOf(emoji.key) >= MAX_REACTION_EMOJIS) {
    await deps.store.reactions.remove(reaction, caller.user.id);
    throw DiscordErrors.maxReactions();
  }
  await announceReactionAdd(deps, t.access, t.message, emoji, caller.user.id, type === 1, t.access.guild?.member);
}

async function removeOne(deps: ResolvedDeps, t: Target, emoji: ReactionEmoji, type: ReactionType, userId: string): Promise<void> {
  const removed = await deps.store.reactions.remove({ channelId: t.access.channel.id, messageId: t.message.id, emojiKey: emoji.key, type }, userId);
  if (removed) await announceReactionRemove(deps, t.access, t.message, emoji, userId, type === 1);
}

/** Removing others' reactions takes MANAGE_MESSAGES, and is not a thing in DMs. */
function requireModerator(access: ChannelAccess): void {
  if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
  if (!hasPermission(access.permissions, Permission.MANAGE_MESSAGES)) throw DiscordErrors.missingPermissions();
}

type Handler = (ctx: RouteContext & { caller: Caller }) => Promise<void>;

/** The reaction routes. */
export function reactionRoutes(): [HttpMethod, string, RouteDefinition][] {
  const base = '/channels/:channelId/messages/:messageId/reactions';
  const write = (bucket: string, act: Handler): RouteDefinition => ({
    auth: 'required',
    bucket,
    major: 'channelId',
    handler: async (ctx) => {
      await act(ctx);
      return noContent();
    },
  });
  return [
    ['PUT', `${base}/:emoji/@me`, write('reactions.put', ({ deps, caller, params, query }) => addOwn(deps, caller, params, query))],
    [
      'DELETE',
      `${base}/:emoji/@me`,
      write('reactions.delete', async ({ deps, caller, params, query }) => {
        const t = await target(deps, caller, params);
        await removeOne(deps, t, await resolveReactionEmoji(deps, caller.user.id, t.access, params.emoji), typeQuery(query), caller.user.id);
      }),
    ],
    [
      'DELETE',
      `${base}/:emoji/:userId`,
      write('reactions.delete', async ({ deps, caller, params, query }) => {
        const t = await target(deps, caller, params);
        const userId = snowflakeParam(params.userId, 'user_id');
        if (userId !== caller.user.id) requireModerator(t.access);
        await removeOne(deps, t, await resolveReactionEmoji(deps, caller.user.id, t.access, params.emoji), typeQuery(query), userId);
      }),
    ],
    [
      'DELETE',
      `${base}/:emoji`,
      write('reactions.deleteEmoji', async ({ deps, caller, params }) => {
        const t = await target(deps, caller, params);
        requireModerator(t.access);
        const emoji = await resolveReactionEmoji(deps, caller.user.id, t.access, params.emoji);
        if (await deps.store.reactions.removeEmoji(t.access.channel.id, t.message.id, emoji.key)) await announceReactionRemoveEmoji(deps, t.access, t.message, emoji);
      }),
    ],
    [
      'DELETE',
      base,
      write('reactions.deleteAll', async ({ deps, caller, params }) => {
        const t = await target(deps, caller, params);
        requireModerator(t.access);
        // One emoji at a time: a poll's votes live in the same partition and stay.
        const emojis = await emojisOn(deps, t);
        const removed = await Promise.all(emojis.map((key) => deps.store.reactions.removeEmoji(t.access.channel.id, t.message.id, key)));
        if (removed.some(Boolean)) await announceReactionRemoveAll(deps, t.access, t.message);
      }),
    ],
    [
      'GET',
      `${base}/:emoji`,
      {
        auth: 'required',
        bucket: 'reactions.list',
        major: 'channelId',
        handler: async ({ deps, caller, params, query }) => {
          const t = await target(deps, caller, params);
          const emoji = await resolveReactionEmoji(deps, caller.user.id, t.access, params.emoji);
          const after = query.get('after');
          const ids = await deps.store.reactions.reactors(
            { channelId: t.access.channel.id, messageId: t.message.id, emojiKey: emoji.key, type: typeQuery(query) },
            { ...(after === null ? {} : { after: snowflakeParam(after, 'after') }), limit: intQuery(query, 'limit', 1, 100, 25) },
          );
          const users = await usersById(deps, ids);
          return ok(ids.flatMap((id) => {
            const user = users.get(id);
            return user ? [toDiscordUser(user)] : [];
          }));
        },
      },
    ],
  ];
}
