import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture } from './testing/guild-fixture';
import { startRestHarness, type RestHarness } from './testing/rest-harness';

describe('REST infrastructure', () => {
  let api: RestHarness;
  beforeEach(async () => {
    api = await startRestHarness();
  });
  afterEach(async () => {
    await api.close();
  });

  it('answers unknown routes with 404 code 0 and wrong methods with 405', async () => {
    const missing = await api.call('GET', '/nothing/here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 0, message: '404: Not Found' });
    const outside = await fetch(`${api.baseUrl}/elsewhere`);
    expect(outside.status).toBe(404);
    const wrong = await api.call('PUT', '/users/@me');
    expect(wrong.status).toBe(405);
    expect(wrong.body.code).toBe(0);
  });

  it('routes literal segments before parameters, whatever the order routes were added in', async () => {
    const { owner: alice, member: bob, channelId } = await guildFixture(api);
    const me = await api.call('GET', '/users/@me/', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.id);
    const other = await api.call('GET', `/users/${bob.id}`, { token: alice.token });
    expect(other.body.id).toBe(bob.id);
    // @discordjs/rest percent-encodes '@' (…/messages/%40original): the literal still wins, the query stays as sent.
    const encoded = await api.call('GET', '/users/%40me?x=%40', { token: alice.token });
    expect(encoded.body.id).toBe(alice.id);
    // bulk-delete is a literal beside /messages/{message.id}: it must not be read as a message id (400 "not snowflake").
    const bulk = await api.call('POST', `/channels/${channelId}/messages/bulk-delete`, { token: alice.token, body: { messages: [] } });
    expect(bulk.status).toBe(400);
    expect(bulk.body.code).toBe(50016); // "Provided too few or too many messages to delete": the bulk-delete route answered
  });

  it('answers a path it cannot decode with 400, and a HEAD or OPTIONS without a route as Discord would', async () => {
    const undecodable = await fetch(`${api.baseUrl}/api/v10/users/%E0%A4%A`);
    expect(undecodable.status).toBe(400);
    expect(await undecodable.json()).toEqual({ code: 0, message: '400: Bad Request' });
    const options = await fetch(`${api.baseUrl}/api/v10/users/@me`, { method: 'OPTIONS' });
    expect(options.status).toBe(405);
    const unversioned = await fetch(`${api.baseUrl}/api/gateway`);
    expect(unversioned.status).toBe(200);
    expect((await fetch(`${api.baseUrl}/api/v8/gateway`)).status).toBe(404);
  });

  it('serves v9 and v10 alike, and GET /gateway without auth', async () => {
    for (const version of [9, 10] as const) {
      const response = await api.call('GET', '/gateway', { version });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ url: 'ws://127.0.0.1:9999' });
    }
  });

  it('refuses a missing, unknown or mis-prefixed token with 401', async () => {
    expect((await api.call('GET', '/users/@me')).status).toBe(401);
    const bad = await api.call('GET', '/users/@me', { token: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ code: 0, message: '401: Unauthorized' });
    const alice = await api.user('alice');
    expect((await api.call('GET', '/users/@me', { token: alice.token, bot: true })).status).toBe(401);
    expect((await api.call('GET', '/users/@me', { token: alice.token })).status).toBe(200);
  });

  it('answers malformed JSON with 50109 and oversize bodies with 413', async () => {
    const alice = await api.user('alice');
    const bad = await api.call('POST', '/guilds', { token: alice.token, rawBody: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(50109);
    const huge = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
  });

  it('answers validation failures with 50035 and a nested errors tree', async () => {
    const response = await api.call('POST', '/auth/register', { body: { username: 'a', email: 'not-an-email' } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(50035);
    expect(response.body.message).toBe('Invalid Form Body');
    expect(response.body.errors.username._errors[0].code).toBe('BASE_TYPE_MIN_LENGTH');
    expect(response.body.errors.password._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect(response.body.errors.email._errors[0].code).toBe('BASE_TYPE_INVALID');
  });

  it('sends X-RateLimit headers on every answer', async () => {
    const alice = await api.user('alice');
    const response = await api.call('GET', '/users/@me', { token: alice.token });
    expect(response.headers.get('x-ratelimit-limit')).toBe('10000');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('9999');
    expect(response.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(Number(response.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(api.clock.now / 1000);
  });
});

describe('REST rate limits', () => {
  it('answers 429 with retry_after once a bucket is spent, per user, and resets after the window', async () => {
    const api = await startRestHarness({ rateLimits: { default: { limit: 100, windowMs: 1000 }, buckets: { 'users.me': { limit: 2, windowMs: 5000 } }, global: { limit: 100, windowMs: 1000 } } });
    try {
      const alice = await api.user('alice');
      const bob = await api.user('bob');
      expect((await api.call('GET', '/users/@me', { token: alice.token })).headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await api.call('GET', '/users/@me', { token: alice.token })).status).toBe(200);
      const limited = await api.call('GET', '/users/@me', { token: alice.token });
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ message: 'You are being rate limited.', retry_after: 5, global: false });
      expect(limited.headers.get('retry-after')).toBe('5');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
      expect((await api.call('GET', '/users/@me', { token: bob.token })).status).toBe(200);
      api.clock.now += 5000;
      expect((await api.call('GET', '/users/@me', { token: alice.token })).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('applies the global limit across routes with global: true', async () => {
    const api = await startRestHarness({ rateLimits: { default: { limit: 100, windowMs: 1000 }, global: { limit: 3, windowMs: 1000 } } });
    try {
      const alice = await api.user('alice');
      api.clock.now += 1000;
      await api.call('GET', '/users/@me', { token: alice.token });
      await api.call('GET', '/users/@me/guilds', { token: alice.token });
      await api.call('GET', '/users/@me', { token: alice.token });
      const limited = await api.call('GET', '/users/@me/guilds', { token: alice.token });
      expect(limited.status).toBe(429);
      expect(limited.body.global).toBe(true);
      expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    } finally {
      await api.close();
    }
  });
});
