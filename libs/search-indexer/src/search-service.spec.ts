import { searchV1 } from '@chat/proto';
import { describe, expect, it } from 'vitest';
import { CellAllocator } from './cells/cell-allocator';
import { SqliteAllocationStore } from './cells/sqlite-allocation-store';
import { InvalidSearchError } from './errors';
import { SqliteSearchIndex } from './index/sqlite-search-index';
import { normalizeSearch } from './index/search-query';
import { SearchService } from './search-service';

function request(fields: Partial<searchV1.SearchMessagesRequest>): searchV1.SearchMessagesRequest {
  return searchV1.SearchMessagesRequest.fromPartial({ scope: { $case: 'guildId', guildId: '5' }, ...fields });
}

describe('normalizeSearch', () => {
  it("applies Discord's defaults and limits", () => {
    const query = normalizeSearch(request({ content: '  hi  ', authorIds: ['007', '7'], has: [searchV1.HasFilter.LINK], allowedChannelIds: ['10'] }));
    expect(query).toMatchObject({ scope: 'g:5', content: 'hi', authorIds: ['7'], has: ['link'], allowedChannelIds: ['10'], limit: 25, offset: 0, sortBy: 'timestamp', sortOrder: 'desc' });
    expect(normalizeSearch(request({ scope: { $case: 'dmUserId', dmUserId: '9' }, allowedChannelIds: ['1'] })).allowedChannelIds).toBeUndefined();
  });

  it('refuses a missing scope, bad ids, limit > 25, offset > 9975, an unknown has', () => {
    const bad = (fields: Partial<searchV1.SearchMessagesRequest>, field: string) => {
      try {
        normalizeSearch(searchV1.SearchMessagesRequest.fromPartial(fields));
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidSearchError);
        expect((error as InvalidSearchError).field).toBe(field);
      }
    };
    bad({}, 'scope');
    bad({ scope: { $case: 'guildId', guildId: 'abc' } }, 'guild_id');
    bad({ scope: { $case: 'guildId', guildId: '1' }, limit: 26 }, 'limit');
    bad({ scope: { $case: 'guildId', guildId: '1' }, offset: 9976 }, 'offset');
    bad({ scope: { $case: 'guildId', guildId: '1' }, minId: '-1' }, 'min_id');
    bad({ scope: { $case: 'guildId', guildId: '1' }, authorIds: ['99999999999999999999999'] }, 'author_ids');
    bad({ scope: { $case: 'guildId', guildId: '1' }, has: [searchV1.HasFilter.UNSPECIFIED] }, 'has');
  });
});

describe('SearchService', () => {
  it('answers from the scope’s cell, and no hits for a scope never indexed', async () => {
    const index = new SqliteSearchIndex({ path: ':memory:' });
    const allocator = new CellAllocator({ cells: ['local'], store: new SqliteAllocationStore(':memory:') });
    await allocator.allocate('g:5');
    await index.upsertMany([{ scope: 'g:5', messageId: '100', channelId: '10', guildId: '5', authorId: '1', content: 'findable text', mentionUserIds: [], has: [], version: 1 }]);
    const service = new SearchService(new Map([['local', index]]), allocator);
    expect(await service.search(request({ content: 'findable', allowedChannelIds: ['10'] }))).toEqual({ totalResults: 1, hits: [{ messageId: '100', channelId: '10', guildId: '5' }] });
    expect(await service.search(request({ content: 'findable', allowedChannelIds: ['11'] }))).toEqual({ totalResults: 0, hits: [] });
    expect(await service.search(request({ scope: { $case: 'guildId', guildId: '6' }, allowedChannelIds: ['10'] }))).toEqual({ totalResults: 0, hits: [] });
    await index.close();
  });
});
