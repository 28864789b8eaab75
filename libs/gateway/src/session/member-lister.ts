/**
 * Where REQUEST_GUILD_MEMBERS (op 8) reads members: GuildService.ListMembers
 * on the guild node (guild-service-member-lister.ts).
 */

/** One page request (GuildService.ListMembersRequest's fields). */
export interface MemberPageRequest {
  readonly guildId: string;
  readonly query: string;
  readonly userIds: readonly string[];
  readonly after: string;
  readonly limit: number;
  readonly includePresences: boolean;
}

/** One page (GuildService.ListMembersResponse's fields); members and presences are Discord JSON objects. */
export interface MemberPageResult {
  readonly members: readonly unknown[];
  readonly presences: readonly unknown[];
  readonly notFoundUserIds: readonly string[];
  /** Empty when there are no more members. */
  readonly nextAfter: string;
}

/** Pages through a guild's members. */
export interface MemberLister {
  listMembers(request: MemberPageRequest): Promise<MemberPageResult>;
}
