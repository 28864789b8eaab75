/**
 * One page of ListMembers, computed from any member source: the guild
 * actor's own maps (in-thread path) or a worker's replica of them. Both
 * paths run this same code, so their answers are the same bytes.
 */
import type { guildV1 } from '@chat/proto';
import type { StoredMember, StoredUser } from '@chat/store';
import { memberJson, presenceJson, type PresenceRecord } from '../guild-json';
import { compareSnowflakes } from '../ids';

/** What a listing reads: a guild's members, their users and presences. */
export interface MemberSource {
  readonly guildId: string;
  readonly members: ReadonlyMap<string, StoredMember>;
  readonly users: ReadonlyMap<string, StoredUser>;
  readonly presences: ReadonlyMap<string, PresenceRecord>;
  /** Member ids in snowflake order. */
  sortedIds(): readonly string[];
}

/** A listing in progress (carried across actor turns on the in-thread path). */
export interface ListingProgress {
  request: guildV1.ListMembersRequest;
  /** Last member id scanned (exclusive start of the next step). */
  cursor: string;
  members: Buffer[];
  presences: Buffer[];
  lastId: string;
}

/** A fresh listing for `request`. */
export function startProgress(request: guildV1.ListMembersRequest): ListingProgress {
  return { request, cursor: request.after, members: [], presences: [], lastId: '' };
}

/** Limit of a request: 0 → 1, capped at 1000. */
export function limitOf(request: guildV1.ListMembersRequest): number {
  return Math.min(Math.max(request.limit, 1), 1000);
}

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

function matches(source: MemberSource, userId: string, query: string): boolean {
  if (query === '') return true;
  const user = source.users.get(userId);
  const nick = source.members.get(userId)?.nick;
  return [user?.username, user?.globalName, nick].some((name) => name?.toLowerCase().startsWith(query) === true);
}

function take(source: MemberSource, job: ListingProgress, userId: string): void {
  const member = source.members.get(userId);
  if (!member) return;
  job.members.push(Buffer.from(JSON.stringify(memberJson(member, source.users.get(userId)))));
  job.lastId = userId;
  const presence = source.presences.get(userId);
  if (job.request.includePresences && presence && presence.status !== 'offline' && presence.status !== 'invisible') {
    job.presences.push(Buffer.from(JSON.stringify(presenceJson(source.guildId, userId, presence))));
  }
}

/**
 * Advances a listing by at most `chunk` scanned members (Infinity: to the
 * end). Returns the response when the listing is complete, or undefined
 * when it needs another step.
 */
export function advancePage(source: MemberSource, job: ListingProgress, chunk: number): guildV1.ListMembersResponse | undefined {
  const request = job.request;
  const limit = limitOf(request);
  if (request.userIds.length > 0) {
    const notFound: string[] = [];
    for (const id of [...new Set(request.userIds)].sort(compareSnowflakes)) {
      if (source.members.has(id)) {
        if (job.members.length < limit) take(source, job, id);
      } else notFound.push(id);
    }
    return { membersJson: job.members, presencesJson: job.presences, notFoundUserIds: notFound, nextAfter: '' };
  }
  const ids = source.sortedIds();
  const query = request.query.toLowerCase();
  let index = indexAfter(ids, job.cursor);
  const end = Math.min(ids.length, index + chunk);
  for (; index < end && job.members.length < limit; index += 1) {
    const id = ids[index]!;
    job.cursor = id;
    if (matches(source, id, query)) take(source, job, id);
  }
  const full = job.members.length >= limit;
  if (!full && index < ids.length) return undefined;
  const more = full && index < ids.length;
  return { membersJson: job.members, presencesJson: job.presences, notFoundUserIds: [], nextAfter: more ? job.lastId : '' };
}
