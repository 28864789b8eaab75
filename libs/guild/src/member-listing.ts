/**
 * ListMembers for the guild actor. Guilds above the worker threshold list
 * in a member worker (member-worker/), so the JSON of 1,000 members a page
 * never runs on the node's shared thread; the rest (and any listing whose
 * worker failed) run in-thread, chunked across actor turns: each turn scans
 * at most `chunk` members, so a 100,000-member scan never holds the actor
 * for more than one chunk at a time. Both paths run the same page code.
 */
import type { ActorLogger, Reply } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import { sortedMemberIds, type GuildData } from './guild-state';
import type { GuildMsg, ListMembersJob } from './guild.messages';
import { advancePage, type MemberSource } from './member-worker/member-page';
import type { MemberWorkerPool } from './member-worker/member-worker-pool';

export { limitOf } from './member-worker/member-page';

/** What the guild actor adds to its deps for listings. */
export interface ListingDeps {
  /** The node's member workers; absent when the node runs without (CHAT_GUILD_WORKERS=0). */
  memberWorkers?: MemberWorkerPool;
}

/** The guild actor's side of a listing: its own ref and logger. */
export interface ListingContext {
  self: { send(msg: GuildMsg): void };
  log: ActorLogger;
}

function sourceOf(data: GuildData): MemberSource {
  return { guildId: data.guild.id, members: data.members, users: data.users, presences: data.presences, sortedIds: () => sortedMemberIds(data) };
}

/**
 * Advances a job by at most `chunk` scanned members. Returns the response
 * when the job is complete, or undefined when it needs another turn.
 */
export function advanceListing(data: GuildData, job: ListMembersJob, chunk: number): guildV1.ListMembersResponse | undefined {
  return advancePage(sourceOf(data), job, chunk);
}

/**
 * Hands a `list-members` request to the guild's member worker when the
 * node has workers and the guild is large; returns false when the actor
 * must list in-thread. The actor goes on with its next message at once; the
 * worker's page is the reply. A failed worker (crash, stop) is logged and
 * the request comes back to the actor as an in-thread listing.
 */
export function offloadListing(
  data: GuildData,
  msg: { request: guildV1.ListMembersRequest; reply: Reply<guildV1.ListMembersResponse>; inThread?: boolean },
  workers: MemberWorkerPool | undefined,
  ctx: ListingContext,
): boolean {
  const guildId = data.guild.id;
  if (!workers || msg.inThread === true || !workers.offloads(guildId, data.members.size)) return false;
  workers.list(data, msg.request).then(msg.reply, (error: unknown) => {
    if (msg.reply.settled) return;
    ctx.log.warn({ guildId, error: error instanceof Error ? error.message : String(error) }, 'member worker listing failed; listing in-thread');
    try {
      ctx.self.send({ type: 'list-members', request: msg.request, reply: msg.reply, inThread: true });
    } catch (sendError) {
      msg.reply.fail(error instanceof Error ? error : sendError);
    }
  });
  return true;
}
