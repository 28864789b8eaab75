/**
 * Message search, as Discord's: GET /guilds/:guildId/messages/search and,
 * for all of the caller's DMs, GET /users/@me/messages/search. The query is
 * validated here (unknown parameters, limit 1..25, offset 0..9975 are
 * 50035), the channels the caller may read (VIEW_CHANNEL and
 * READ_MESSAGE_HISTORY) go to SearchService as allowed_channel_ids so hits
 * and totals never include a channel the caller cannot view, and the hits
 * are rendered from the message service.
 */
import { UnavailableError } from '@chat/errors';
import { hasPermission, Permission } from '@chat/permissions';
import { searchV1 } from '@chat/proto';
import type { StoredMessage } from '@chat/store';
import { channelPermissionsOf, loadGuildAccess, TEXT_CHANNEL_TYPES } from '../access';
import { invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import type { RestSearchService } from '../rest-deps';
import { ok, type ResolvedDeps, type RouteDefinition } from '../route-context';
import { intQuery, snowflakeParam } from '../validation';
import { messagesJson } from './message-json';

/** The search dependency when none is wired: every search answers 503. */
export const SEARCH_UNAVAILABLE: RestSearchService = {
  searchMessages: async () => {
    throw new UnavailableError('search is not configured');
  },
};

const HAS: Readonly<Record<string, searchV1.HasFilter>> = {
  link: searchV1.HasFilter.LINK,
  embed: searchV1.HasFilter.EMBED,
  file: searchV1.HasFilter.FILE,
  image: searchV1.HasFilter.IMAGE,
  video: searchV1.HasFilter.VIDEO,
  sound: searchV1.HasFilter.SOUND,
};

const PARAMS = new Set(['content', 'author_id', 'channel_id', 'mentions', 'has', 'min_id', 'max_id', 'offset', 'limit', 'sort_by', 'sort_order']);
const READ = Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY;
const MAX_CONTENT = 1024;

function fieldError(field: string, code: string, message: string): never {
  throw invalidFormBody({ [field]: { _errors: [{ code, message }] } });
}

/** The filters of a search query string, as a request without scope and allowed channels. */
export function parseSearchQuery(query: URLSearchParams): Omit<searchV1.SearchMessagesRequest, 'scope' | 'allowedChannelIds'> {
  for (const key of query.keys()) if (!PARAMS.has(key)) fieldError(key, 'BASE_TYPE_INVALID', `Unknown search filter "${key}".`);
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) fieldError(name, 'BASE_TYPE_INVALID', 'Only one value is allowed.');
    return values[0];
  };
  const ids = (name: string) => query.getAll(name).map((value) => snowflakeParam(value, name));
  const content = single('content') ?? '';
  if (content.length > MAX_CONTENT) fieldError('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT} or fewer in length.`);
  const has = query.getAll('has').map((value) => HAS[value] ?? fieldError('has', 'BASE_TYPE_CHOICES', `Value must be one of ${Object.keys(HAS).join(', ')}.`));
  const sortBy = single('sort_by');
  const sortOrder = single('sort_order');
  if (sortBy !== undefined && sortBy !== 'timestamp' && sortBy !== 'relevance') fieldError('sort_by', 'BASE_TYPE_CHOICES', 'Value must be one of timestamp, relevance.');
  if (sortOrder !== undefined && sortOrder !== 'asc' && sortOrder !== 'desc') fieldError('sort_order', 'BASE_TYPE_CHOICES', 'Value must be one of asc, desc.');
  const minId = single('min_id');
  const maxId = single('max_id');
  return {
    content,
    authorIds: ids('author_id'),
    channelIds: ids('channel_id'),
    mentionUserIds: ids('mentions'),
    has,
    minId: minId === undefined ? '' : snowflakeParam(minId, 'min_id'),
    maxId: maxId === undefined ? '' : snowflakeParam(maxId, 'max_id'),
    offset: intQuery(query, 'offset', 0, 9975, 0),
    limit: intQuery(query, 'limit', 1, 25, 25),
    sortBy: sortBy === 'relevance' ? searchV1.SortBy.RELEVANCE : searchV1.SortBy.TIMESTAMP,
    sortOrder: sortOrder === 'asc' ? searchV1.SortOrder.ASC : searchV1.SortOrder.DESC,
  };
}

/** Discord's search answer: hits as one-message arrays, each message marked `hit`. A hit deleted since it was indexed is left out. */
async function searchAnswer(deps: ResolvedDeps, response: searchV1.SearchMessagesResponse, viewerId: string): Promise<unknown> {
  const found = await Promise.all(response.hits.map((hit) => deps.messages.get(hit.channelId, hit.messageId)));
  const messages = found.filter((message): message is StoredMessage => message !== undefined);
  const json = await messagesJson(deps, messages, viewerId);
  return {
    total_results: response.totalResults,
    messages: json.map((message) => [{ ...message, hit: true }]),
    threads: [],
    members: [],
    doing_deep_historical_index: false,
    analytics_id: '',
  };
}

/** The search routes. */
export function searchRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'GET',
      '/guilds/:guildId/messages/search',
      {
        auth: 'required',
        bucket: 'messages.search',
        major: 'guildId',
        handler: async ({ deps, caller, params, query }) => {
          const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
          const filters = parseSearchQuery(query);
          const channels = await deps.store.guilds.listChannels(access.guild.id);
          const allowedChannelIds = channels.filter((channel) => TEXT_CHANNEL_TYPES.has(channel.type) && hasPermission(channelPermissionsOf(access, channel), READ)).map((channel) => channel.id);
          const response = await deps.search.searchMessages({ ...filters, scope: { $case: 'guildId', guildId: access.guild.id }, allowedChannelIds });
          return ok(await searchAnswer(deps, response, caller.user.id));
        },
      },
    ],
    [
      'GET',
      '/users/@me/messages/search',
      {
        auth: 'required',
        bucket: 'messages.search',
        callers: 'users',
        handler: async ({ deps, caller, query }) => {
          const filters = parseSearchQuery(query);
          const response = await deps.search.searchMessages({ ...filters, scope: { $case: 'dmUserId', dmUserId: caller.user.id }, allowedChannelIds: [] });
          return ok(await searchAnswer(deps, response, caller.user.id));
        },
      },
    ],
  ];
}
