/** Validates a chat.search.v1 request into a SearchQuery: Discord's limits, ids as decimal strings. */
import { searchV1 } from '@chat/proto';
import { InvalidSearchError } from '../errors';
import { guildScope, userScope, type HasKind, type SearchQuery } from './search-index.port';

/** Most hits per page, as Discord. */
export const MAX_SEARCH_LIMIT = 25;
/** Largest offset, as Discord (so offset + limit stays within 10,000). */
export const MAX_SEARCH_OFFSET = 9975;

const SNOWFLAKE = /^\d{1,20}$/;
const MAX_U64 = (1n << 64n) - 1n;

const HAS: ReadonlyMap<searchV1.HasFilter, HasKind> = new Map([
  [searchV1.HasFilter.LINK, 'link'],
  [searchV1.HasFilter.EMBED, 'embed'],
  [searchV1.HasFilter.FILE, 'file'],
  [searchV1.HasFilter.IMAGE, 'image'],
  [searchV1.HasFilter.VIDEO, 'video'],
  [searchV1.HasFilter.SOUND, 'sound'],
]);

function snowflake(value: string, field: string): string {
  if (!SNOWFLAKE.test(value) || BigInt(value) > MAX_U64) throw new InvalidSearchError(field, 'is not a snowflake');
  return BigInt(value).toString();
}

function snowflakes(values: readonly string[], field: string): string[] {
  return [...new Set(values.map((value) => snowflake(value, field)))];
}

/** @throws {InvalidSearchError} for a missing scope, a malformed id, an unknown `has`, a limit above 25 or an offset above 9975. */
export function normalizeSearch(request: searchV1.SearchMessagesRequest): SearchQuery {
  const scope = request.scope;
  if (!scope) throw new InvalidSearchError('scope', 'is required (guild_id or dm_user_id)');
  const isGuild = scope.$case === 'guildId';
  const scopeKey = isGuild ? guildScope(snowflake(scope.guildId, 'guild_id')) : userScope(snowflake(scope.dmUserId, 'dm_user_id'));
  if (request.limit > MAX_SEARCH_LIMIT) throw new InvalidSearchError('limit', `must be 1..${MAX_SEARCH_LIMIT}`);
  if (request.offset > MAX_SEARCH_OFFSET) throw new InvalidSearchError('offset', `must be 0..${MAX_SEARCH_OFFSET}`);
  const has = request.has.map((filter) => {
    const kind = HAS.get(filter);
    if (!kind) throw new InvalidSearchError('has', `has an unknown value ${String(filter)}`);
    return kind;
  });
  return {
    scope: scopeKey,
    content: request.content.trim(),
    authorIds: snowflakes(request.authorIds, 'author_ids'),
    channelIds: snowflakes(request.channelIds, 'channel_ids'),
    mentionUserIds: snowflakes(request.mentionUserIds, 'mention_user_ids'),
    has: [...new Set(has)],
    ...(request.minId !== '' ? { minId: snowflake(request.minId, 'min_id') } : {}),
    ...(request.maxId !== '' ? { maxId: snowflake(request.maxId, 'max_id') } : {}),
    ...(isGuild ? { allowedChannelIds: snowflakes(request.allowedChannelIds, 'allowed_channel_ids') } : {}),
    offset: request.offset,
    limit: request.limit === 0 ? MAX_SEARCH_LIMIT : request.limit,
    sortBy: request.sortBy === searchV1.SortBy.RELEVANCE ? 'relevance' : 'timestamp',
    sortOrder: request.sortOrder === searchV1.SortOrder.ASC ? 'asc' : 'desc',
  };
}

/** The words of a content query (letters and digits), lower-cased; what both adapters match on. */
export function contentTerms(content: string): string[] {
  return content.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
