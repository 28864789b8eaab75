/**
 * Routes for one kind of token: a bot token on a route only people use, and
 * a user token on a route only bots use, are refused with Discord's 403s
 * (20001 / 20002) before the handler runs, whatever the body.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('routes for one kind of token', () => {
  let api: RestHarness;
  let alice: { id: string; token: string };
  let bot: { id: string; token: string; applicationId: string };
  let guildId: string;
  let channelId: string;
  let messageId: string;
  let inviteCode: string;

  beforeEach(async () => {
    api = await startRestHarness();
    alice = await api.user('alice');
    const app = await api.call('POST', '/applications', { token: alice.token, body: { name: 'Helper' } });
    const made = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: alice.token });
    bot = { id: made.body.user.id, token: made.body.token, applicationId: app.body.id };
    const guild = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'Home' } });
    guildId = guild.body.id;
    const authorized = await api.call('POST', `/oauth2/authorize?client_id=${bot.applicationId}&scope=bot`, { token: alice.token, body: { guild_id: guildId, permissions: '3072', authorize: true } });
    expect(authorized.status).toBe(200);
    channelId = (await api.call('GET', `/guilds/${guildId}/channels`, { token: alice.token })).body[0].id;
    messageId = (await api.call('POST', `/channels/${channelId}/messages`, { token: alice.token, body: { content: 'hello' } })).body.id;
    inviteCode = (await api.call('POST', `/channels/${channelId}/invites`, { token: alice.token, body: {} })).body.code;
  });
  afterEach(async () => {
    await api.close();
  });

  it('answers a bot 403 20001 on every user-only route, and changes nothing', async () => {
    const userOnly: [string, string, unknown][] = [
      ['POST', '/applications', { name: 'Nested' }],
      ['POST', `/applications/${bot.applicationId}/bot`, {}],
      ['POST', `/oauth2/authorize?client_id=${bot.applicationId}&scope=bot`, { guild_id: guildId, permissions: '8', authorize: true }],
      ['POST', `/invites/${inviteCode}`, {}],
      ['POST', `/channels/${channelId}/messages/${messageId}/ack`, {}],
      ['GET', '/users/@me/messages/search?content=hello', undefined],
    ];
    for (const [method, path, body] of userOnly) {
      const response = await api.call(method, path, { token: bot.token, bot: true, ...(body === undefined ? {} : { body }) });
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({ route: `${method} ${path}`, status: 403, body: { message: 'Bots cannot use this endpoint', code: 20001 } });
    }
    // The bot's own token still works (nothing was reset) and no ack reached read states.
    expect((await api.call('GET', '/users/@me', { token: bot.token, bot: true })).status).toBe(200);
    expect(api.acks).toEqual([]);
  });

  it('answers a user 403 20002 on a bot-only route, while the same user may call user routes', async () => {
    const response = await api.call('GET', '/gateway/bot', { token: alice.token });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe(20002);
    expect((await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: alice.token, body: {} })).status).toBe(200);
    expect((await api.call('GET', '/gateway/bot', { token: bot.token, bot: true })).status).toBe(200);
  });
});
