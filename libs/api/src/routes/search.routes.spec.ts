/**
 * The search routes over a fake SearchService that honours the request the
 * route sends (scope, allowed_channel_ids, content): the route's own job is
 * validation, the permission filter and rendering, which is what is checked
 * here. The real service is exercised end to end in apps/server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDiskObjectStore } from '@chat/object-store';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Permission } from '@chat/permissions';
import type { searchV1 } from '@chat/proto';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type StoredMessage, type Store } from '@chat/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestApi } from '../create-rest-api';
import { storeMessageService } from '../testing/store-message-service';
import type { RestSearchService } from '../rest-deps';
import { TEST_RATE_LIMITS } from '../testing/rest-harness';

interface Api {
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }>;
  user(name: string): Promise<{ id: string; token: string }>;
  requests: searchV1.SearchMessagesRequest[];
  close(): Promise<void>;
}

/** Indexes every created message; answers like SearchService (scope, allowed channels, content words, newest first). */
function fakeSearch(indexed: StoredMessage[], requests: searchV1.SearchMessagesRequest[]): RestSearchService {
  return {
    async searchMessages(request) {
      requests.push(request);
      const scope = request.scope;
      const words = request.content.toLowerCase().split(/\s+/).filter(Boolean);
      const hits = indexed
        .filter((m) => (scope?.$case === 'guildId' ? m.guildId === scope.guildId && request.allowedChannelIds.includes(m.channelId) : m.guildId === null))
        .filter((m) => words.every((w) => m.content.toLowerCase().includes(w)))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      return { totalResults: hits.length, hits: hits.slice(request.offset, request.offset + (request.limit || 25)).map((m) => ({ messageId: m.id, channelId: m.channelId, ...(m.guildId ? { guildId: m.guildId } : {}) })) };
    },
  };
}

async function startApi(withSearch = true): Promise<Api> {
  const store: Store = await openStore({ backend: 'sqlite', path: ':memory:' });
  const ids = new SnowflakeGenerator({ workerId: 2, processId: 2 });
  const messages = storeMessageService(store.messages, { nextId: () => ids.next(), now: () => new Date() });
  const indexed: StoredMessage[] = [];
  const requests: searchV1.SearchMessagesRequest[] = [];
  const handler = createRestApi({
    store,
    messages: { ...messages, create: async (input) => { const message = await messages.create(input); indexed.push(message); return message; } },
    ...(withSearch ? { search: fakeSearch(indexed, requests) } : {}),
    publishGuildEvent: async () => undefined,
    dispatchToUsers: async () => undefined,
    gatewayUrl: 'ws://127.0.0.1:1',
    objects: await openDiskObjectStore(mkdtempSync(join(tmpdir(), 'search-spec-objects-'))),
    cdn: { baseUrl: 'http://127.0.0.1:1', secret: Buffer.from('search spec') },
    rateLimits: TEST_RATE_LIMITS,
    nextId: () => ids.next(),
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v10`;
  const call: Api['call'] = async (method, path, token, body) => {
    const response = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    call,
    requests,
    async user(name) {
      const response = await call('POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.test` });
      return { id: response.body.user_id as string, token: response.body.token as string };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

describe('search routes', () => {
  let api: Api;
  let owner: { id: string; token: string };
  let member: { id: string; token: string };
  let guildId: string;
  let general: string;
  let hidden: string;
  let noHistory: string;

  beforeEach(async () => {
    api = await startApi();
    owner = await api.user('owner');
    member = await api.user('member');
    const guild = await api.call('POST', '/guilds', owner.token, { name: 'Search Guild' });
    guildId = guild.body.id;
    general = guild.body.system_channel_id;
    const invite = await api.call('POST', `/channels/${general}/invites`, owner.token, {});
    await api.call('POST', `/invites/${invite.body.code as string}`, member.token);
    const deny = (bits: bigint) => [{ id: guildId, type: 0, deny: String(bits) }];
    hidden = (await api.call('POST', `/guilds/${guildId}/channels`, owner.token, { name: 'staff', type: 0, permission_overwrites: deny(Permission.VIEW_CHANNEL) })).body.id;
    noHistory = (await api.call('POST', `/guilds/${guildId}/channels`, owner.token, { name: 'ephemeral', type: 0, permission_overwrites: deny(Permission.READ_MESSAGE_HISTORY) })).body.id;
    for (const [channel, content] of [[general, 'launch plan public'], [hidden, 'launch plan secret'], [noHistory, 'launch plan ephemeral']] as const) {
      const sent = await api.call('POST', `/channels/${channel}/messages`, owner.token, { content });
      expect([sent.status, sent.body]).toEqual([200, expect.anything()]);
    }
  });
  afterEach(async () => {
    await api.close();
  });

  it("answers Discord's shape: total_results and messages as one-message arrays marked hit", async () => {
    const response = await api.call('GET', `/guilds/${guildId}/messages/search?content=public`, member.token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total_results: 1, threads: [], members: [], doing_deep_historical_index: false });
    expect(response.body.messages).toHaveLength(1);
    expect(response.body.messages[0]).toEqual([expect.objectContaining({ content: 'launch plan public', channel_id: general, hit: true, author: expect.objectContaining({ id: owner.id }) })]);
  });

  it('never shows a member a hit from a channel they cannot view or read the history of', async () => {
    const asMember = await api.call('GET', `/guilds/${guildId}/messages/search?content=launch`, member.token);
    expect(asMember.body.total_results).toBe(1);
    expect(asMember.body.messages.flat().map((m: { content: string }) => m.content)).toEqual(['launch plan public']);
    expect(api.requests.at(-1)?.allowedChannelIds).toEqual([general]);
    const asOwner = await api.call('GET', `/guilds/${guildId}/messages/search?content=launch`, owner.token);
    expect(asOwner.body.total_results).toBe(3);
    expect(new Set(api.requests.at(-1)?.allowedChannelIds)).toEqual(new Set([general, hidden, noHistory]));
  });

  it('passes every filter on to SearchService', async () => {
    await api.call('GET', `/guilds/${guildId}/messages/search?content=x&author_id=1&author_id=2&channel_id=${general}&mentions=3&has=link&has=file&min_id=10&max_id=20&offset=25&limit=5&sort_by=relevance&sort_order=asc`, owner.token);
    expect(api.requests.at(-1)).toMatchObject({ scope: { $case: 'guildId', guildId }, content: 'x', authorIds: ['1', '2'], channelIds: [general], mentionUserIds: ['3'], has: [1, 3], minId: '10', maxId: '20', offset: 25, limit: 5, sortBy: 2, sortOrder: 2 });
  });

  it("answers bad input with Discord's error shape, never a 500", async () => {
    const expect400 = async (query: string, field: string) => {
      const response = await api.call('GET', `/guilds/${guildId}/messages/search?${query}`, member.token);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
      expect(response.body.errors[field]._errors[0].code).toEqual(expect.any(String));
    };
    await expect400('bogus=1', 'bogus');
    await expect400('limit=26', 'limit');
    await expect400('limit=0', 'limit');
    await expect400('offset=9976', 'offset');
    await expect400('has=sticker', 'has');
    await expect400('author_id=abc', 'author_id');
    await expect400('sort_order=sideways', 'sort_order');
    const stranger = await api.user('stranger');
    const notMember = await api.call('GET', `/guilds/${guildId}/messages/search?content=x`, stranger.token);
    expect(notMember).toEqual({ status: 403, body: { code: 50001, message: 'Missing Access' } });
    const unknown = await api.call('GET', '/guilds/123456789/messages/search', member.token);
    expect(unknown).toEqual({ status: 404, body: { code: 10004, message: 'Unknown Guild' } });
    expect((await api.call('GET', `/guilds/${guildId}/messages/search`)).status).toBe(401);
  });

  it("searches the caller's DMs under their own user scope", async () => {
    const dm = await api.call('POST', '/users/@me/channels', member.token, { recipient_id: owner.id });
    await api.call('POST', `/channels/${dm.body.id as string}/messages`, member.token, { content: 'private launch note' });
    const response = await api.call('GET', '/users/@me/messages/search?content=launch', member.token);
    expect(response.status).toBe(200);
    expect(api.requests.at(-1)?.scope).toEqual({ $case: 'dmUserId', dmUserId: member.id });
    expect(response.body.messages.flat().map((m: { content: string; channel_id: string }) => [m.content, m.channel_id])).toEqual([['private launch note', dm.body.id]]);
  });
});

describe('search routes without a search service', () => {
  it('answer 503', async () => {
    const api = await startApi(false);
    const user = await api.user('solo');
    const guild = await api.call('POST', '/guilds', user.token, { name: 'Search Guild' });
    const response = await api.call('GET', `/guilds/${guild.body.id as string}/messages/search`, user.token);
    expect(response.status).toBe(503);
    await api.close();
  });
});
