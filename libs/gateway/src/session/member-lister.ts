/**
 * Where REQUEST_GUILD_MEMBERS (op 8) reads members: GuildService.ListMembers
 * on the guild node, or the store while the guild service is not wired.
 */
import type { GuildStore, UserStore } from '@chat/store';
import { toDiscordMember } from '../rest/discord-json';

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

/** MemberLister over the store (no presences: the store keeps none). */
export class StoreMemberLister implements MemberLister {
  constructor(private readonly ports: { readonly guilds: GuildStore; readonly users: UserStore }) {}

  async listMembers(request: MemberPageRequest): Promise<MemberPageResult> {
    const { guilds, users } = this.ports;
    const limit = Math.max(1, Math.min(1000, request.limit || 1));
    if (request.userIds.length > 0) {
      const found = (await Promise.all(request.userIds.map((id) => guilds.getMember(request.guildId, id)))).filter((m) => m !== undefined);
      const byId = new Map((await users.getUsers(found.map((m) => m.userId))).map((u) => [u.id, u]));
      const foundIds = new Set(found.map((m) => m.userId));
      return {
        members: found.map((m) => toDiscordMember(m, byId.get(m.userId))),
        presences: [],
        notFoundUserIds: request.userIds.filter((id) => !foundIds.has(id)),
        nextAfter: '',
      };
    }
    const query = request.query.toLowerCase();
    const out: unknown[] = [];
    let after = request.after || undefined;
    // Walk pages until `limit` matches are found or the guild is exhausted.
    for (;;) {
      const page = await guilds.listMembers(request.guildId, { ...(after ? { after } : {}), limit: 1000 });
      if (page.length === 0) return { members: out, presences: [], notFoundUserIds: [], nextAfter: '' };
      const byId = new Map((await users.getUsers(page.map((m) => m.userId))).map((u) => [u.id, u]));
      for (const member of page) {
        const user = byId.get(member.userId);
        const names = [member.nick, user?.username, user?.globalName].filter((n): n is string => typeof n === 'string');
        if (query === '' || names.some((n) => n.toLowerCase().startsWith(query))) out.push(toDiscordMember(member, user));
        if (out.length >= limit) return { members: out, presences: [], notFoundUserIds: [], nextAfter: member.userId };
      }
      after = page[page.length - 1]?.userId;
      if (page.length < 1000) return { members: out, presences: [], notFoundUserIds: [], nextAfter: '' };
    }
  }
}
