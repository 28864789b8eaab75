import { describe, expect, it } from 'vitest';
import type { guildV1 } from '@chat/proto';
import { guildServiceMemberLister } from './guild-service-member-lister';

describe('guildServiceMemberLister', () => {
  it('maps the request to ListMembers on the owner node and parses the JSON members', async () => {
    const seen: { guildId: string; request: guildV1.ListMembersRequest }[] = [];
    const lister = guildServiceMemberLister((guildId) => ({
      listMembers: async (request) => {
        seen.push({ guildId, request });
        return { membersJson: [Buffer.from('{"user":{"id":"1"}}')], presencesJson: [Buffer.from('{"status":"online"}')], notFoundUserIds: ['9'], nextAfter: '1' };
      },
    }));
    const page = await lister.listMembers({ guildId: '5', query: 'a', userIds: ['1', '9'], after: '', limit: 2, includePresences: true });
    expect(seen).toEqual([{ guildId: '5', request: { guildId: '5', query: 'a', userIds: ['1', '9'], after: '', limit: 2, includePresences: true } }]);
    expect(page).toEqual({ members: [{ user: { id: '1' } }], presences: [{ status: 'online' }], notFoundUserIds: ['9'], nextAfter: '1' });
  });
});
