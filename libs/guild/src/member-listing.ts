/**
 * ListMembers, chunked across actor turns: each turn scans at most `chunk`
 * members from the job's cursor, so a 100,000-member listing never holds
 * the guild actor for more than one chunk at a time.
 */
import type { guildV1 } from '@chat/proto';
import { memberJson, presenceJson } from './guild-json';
import { sortedMemberIds, type GuildData } from './guild-state';
import { compareSnowflakes } from './ids';
import type { ListMembersJob } from './guild.messages';

/** First index in `ids` (sorted) whose id is above `after` ('' = start). */
function indexAfter(ids: readonly string[], after: string): number {
  if (after === '') return 0;
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSnowflakes(ids[mid]!, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matches(data: GuildData, userId: string, query: string): boolean {
  if (query === '') return true;
  const user = data.users.get(userId);
  const nick = data.members.get(userId)?.nick;
  return [user?.username, user?.globalName, nick].some((name) => name?.toLowerCase().startsWith(query) === true);
}

function take(data: GuildData, job: ListMembersJob, userId: string): void {
  const member = data.members.get(userId);
  if (!member) return;
  job.members.push(Buffer.from(JSON.stringify(memberJson(member, data.users.get(userId)))));
  job.lastId = userId;
  const presence = data.presences.get(userId);
  if (job.request.includePresences && presence && presence.status !== 'offline' && presence.status !== 'invisible') {
    job.presences.push(Buffer.from(JSON.stringify(presenceJson(data.guild.id, userId, presence))));
  }
}

/** Limit of a request: 0 → 1, capped at 1000. */
export function limitOf(request: guildV1.ListMembersRequest): number {
  return Math.min(Math.max(request.limit, 1), 1000);
}

/**
 * Advances a job by at most `chunk` scanned members. Returns the response
 * when the job is complete, or undefined when it needs another turn.
 */
export function advanceListing(data: GuildData, job: ListMembersJob, chunk: number): guildV1.ListMembersResponse | undefined {
  const request = job.request;
  const limit = limitOf(request);
  if (request.userIds.length > 0) {
    const notFound: string[] = [];
    for (const id of [...new Set(request.userIds)].sort(compareSnowflakes)) {
      if (data.members.has(id)) {
        if (job.members.length < limit) take(data, job, id);
      } else notFound.push(id);
    }
    return { membersJson: job.members, presencesJson: job.presences, notFoundUserIds: notFound, nextAfter: '' };
  }
  const ids = sortedMemberIds(data);
  const query = request.query.toLowerCase();
  let index = indexAfter(ids, job.cursor);
  const end = Math.min(ids.length, index + chunk);
  for (; index < end && job.members.length < limit; index += 1) {
    const id = ids[index]!;
    job.cursor = id;
    if (matches(data, id, query)) take(data, job, id);
  }
  const full = job.members.length >= limit;
  if (!full && index < ids.length) return undefined;
  const more = full && index < ids.length;
  return { membersJson: job.members, presencesJson: job.presences, notFoundUserIds: [], nextAfter: more ? job.lastId : '' };
}
