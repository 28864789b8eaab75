/**
 * MemberLister over GuildService.ListMembers: op 8 reads members from the
 * guild node that owns the guild (the caller resolves the owner's client).
 */
import type { guildV1 } from '@chat/proto';
import type { MemberLister, MemberPageRequest, MemberPageResult } from './member-lister';

/** The one GuildService method this needs (an AsyncClient of GuildService fits). */
export interface ListMembersClient {
  listMembers(request: guildV1.ListMembersRequest, options?: { timeoutMs?: number }): Promise<guildV1.ListMembersResponse>;
}

/** Builds a MemberLister that asks the guild's owner node; `clientFor` resolves it from the ring. */
export function guildServiceMemberLister(clientFor: (guildId: string) => ListMembersClient, timeoutMs = 5_000): MemberLister {
  const parse = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));
  return {
    async listMembers(request: MemberPageRequest): Promise<MemberPageResult> {
      const response = await clientFor(request.guildId).listMembers(
        {
          guildId: request.guildId,
          query: request.query,
          userIds: [...request.userIds],
          after: request.after,
          limit: request.limit,
          includePresences: request.includePresences,
        },
        { timeoutMs },
      );
      return {
        members: response.membersJson.map(parse),
        presences: response.presencesJson.map(parse),
        notFoundUserIds: response.notFoundUserIds,
        nextAfter: response.nextAfter,
      };
    },
  };
}
