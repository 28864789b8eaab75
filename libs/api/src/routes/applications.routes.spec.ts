import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('application routes', () => {
  let api: RestHarness;
  beforeEach(async () => {
    api = await startRestHarness();
  });
  afterEach(async () => {
    await api.close();
  });

  it('creates an application and a bot whose token authenticates only with the Bot prefix; a second call resets it', async () => {
    const alice = await api.user('alice');
    const app = await api.call('POST', '/applications', { token: alice.token, body: { name: 'Helper' } });
    expect(app.status).toBe(201);
    expect(app.body.owner.id).toBe(alice.id);
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: alice.token });
    expect(bot.status).toBe(200);
    expect(bot.body.user.bot).toBe(true);
    const me = await api.call('GET', '/users/@me', { token: bot.body.token, bot: true });
    expect(me.body).toMatchObject({ id: bot.body.user.id, bot: true });
    expect((await api.call('GET', '/users/@me', { token: bot.body.token })).status).toBe(401);
    const reset = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: alice.token });
    expect(reset.body.user.id).toBe(bot.body.user.id);
    expect((await api.call('GET', '/users/@me', { token: bot.body.token, bot: true })).status).toBe(401);
    expect((await api.call('GET', '/users/@me', { token: reset.body.token, bot: true })).status).toBe(200);
    // The bot reads its own application by id too, with the owner and the verify key.
    const own = await api.call('GET', `/applications/${app.body.id as string}`, { token: reset.body.token, bot: true });
    expect(own.body).toMatchObject({ id: app.body.id, owner: { id: alice.id }, bot: { id: bot.body.user.id } });
    expect(own.body.verify_key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses other users (50001), unknown applications (10002) and bots creating applications (20001)', async () => {
    const alice = await api.user('alice');
    const bob = await api.user('bob');
    const app = await api.call('POST', '/applications', { token: alice.token, body: { name: 'Helper' } });
    expect((await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: bob.token })).body.code).toBe(50001);
    expect((await api.call('POST', '/applications/123/bot', { token: alice.token })).body.code).toBe(10002);
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: alice.token });
    const byBot = await api.call('POST', '/applications', { token: bot.body.token, bot: true, body: { name: 'Nested' } });
    expect(byBot.status).toBe(403);
    expect(byBot.body.code).toBe(20001);
  });

  it('POST /oauth2/authorize adds the bot with a managed role and dispatches the join', async () => {
    const fx = await guildFixture(api);
    const app = await api.call('POST', '/applications', { token: fx.owner.token, body: { name: 'Helper' } });
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: fx.owner.token });
    const permissions = (Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES | Permission.MANAGE_MESSAGES).toString();
    const denied = await api.call('POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, { token: fx.member.token, body: { guild_id: fx.guildId, permissions, authorize: true } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(50013);
    const response = await api.call('POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, { token: fx.owner.token, body: { guild_id: fx.guildId, permissions, authorize: true } });
    expect(response.status).toBe(200);
    expect(response.body.location).toContain(fx.guildId);
    const member = await api.call('GET', `/guilds/${fx.guildId}/members/${bot.body.user.id as string}`, { token: bot.body.token, bot: true });
    expect(member.status).toBe(200);
    expect(member.body.roles).toHaveLength(1);
    const roles = await api.call('GET', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token });
    const managed = roles.body.find((r: { id: string }) => r.id === member.body.roles[0]);
    expect(managed).toMatchObject({ name: 'Helper', managed: true, permissions });
    expect(api.ofType('GUILD_ROLE_CREATE')[0]?.payload).toMatchObject({ guild_id: fx.guildId, role: { tags: { bot_id: bot.body.user.id } } });
    expect(api.ofType('GUILD_MEMBER_ADD')[0]?.target).toEqual({ guildId: fx.guildId });
    const guildCreate = api.ofType('GUILD_CREATE')[0];
    expect(guildCreate?.target).toEqual({ userIds: [bot.body.user.id] });
    expect(guildCreate?.payload).toMatchObject({ id: fx.guildId, unavailable: false, member_count: 3 });
    const channels = await api.call('GET', `/guilds/${fx.guildId}/channels`, { token: bot.body.token, bot: true });
    expect(channels.body.map((c: { name: string }) => c.name)).toEqual(['general']);
  });

  it('GET /applications/@me answers the calling bot its own application, and refuses a user token', async () => {
    const owner = await api.user('maker');
    const app = await api.call('POST', '/applications', { token: owner.token, body: { name: 'Self' } });
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: owner.token });
    const mine = await api.call('GET', '/applications/@me', { token: bot.body.token, bot: true });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: app.body.id, name: 'Self', owner: { id: owner.id }, bot: { id: bot.body.user.id } });
    const byUser = await api.call('GET', '/applications/@me', { token: owner.token });
    expect(byUser.status).toBe(403);
    expect(byUser.body.code).toBe(20002);
  });
});
