import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('leave, DM list, application read, member edit, role delete', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  it('DELETE /users/@me/guilds/{id}: a member leaves (GUILD_MEMBER_REMOVE, GUILD_DELETE to them); the owner cannot', async () => {
    expect((await api.call('DELETE', `/users/@me/guilds/${fx.guildId}`, { token: fx.owner.token })).body.code).toBe(50035);
    expect((await api.call('DELETE', `/users/@me/guilds/${fx.guildId}`, { token: fx.member.token })).status).toBe(204);
    expect(api.ofType('GUILD_MEMBER_REMOVE')[0]?.payload).toMatchObject({ guild_id: fx.guildId, user: { id: fx.member.id } });
    expect(api.ofType('GUILD_DELETE')[0]?.target).toEqual({ userIds: [fx.member.id] });
    expect((await api.call('GET', '/users/@me/guilds', { token: fx.member.token })).body).toEqual([]);
  });

  it('GET /users/@me/channels lists the DMs with the other recipient', async () => {
    const dm = await api.call('POST', '/users/@me/channels', { token: fx.member.token, body: { recipient_id: fx.owner.id } });
    const list = await api.call('GET', '/users/@me/channels', { token: fx.owner.token });
    expect(list.body).toEqual([expect.objectContaining({ id: dm.body.id, type: 1, recipients: [expect.objectContaining({ id: fx.member.id })] })]);
  });

  it('GET /applications/{id} shows the owner their application with its bot', async () => {
    const app = await api.call('POST', '/applications', { token: fx.owner.token, body: { name: 'Helper', description: 'helps' } });
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: fx.owner.token });
    const read = await api.call('GET', `/applications/${app.body.id as string}`, { token: fx.owner.token });
    expect(read.body).toMatchObject({ id: app.body.id, name: 'Helper', description: 'helps', bot: { id: bot.body.user.id, bot: true } });
    expect(read.body.bot.token).toBeUndefined();
    expect((await api.call('GET', `/applications/${app.body.id as string}`, { token: fx.member.token })).body.code).toBe(50001);
  });

  it('PATCH /guilds/{id}/members/{user}: own nick with CHANGE_NICKNAME, others need MANAGE_NICKNAMES; publishes GUILD_MEMBER_UPDATE', async () => {
    const own = await api.call('PATCH', `/guilds/${fx.guildId}/members/@me`, { token: fx.member.token, body: { nick: 'Mem' } });
    expect(own.body).toMatchObject({ nick: 'Mem', guild_id: fx.guildId, user: { id: fx.member.id } });
    expect(api.ofType('GUILD_MEMBER_UPDATE')[0]?.payload.nick).toBe('Mem');
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.owner.id}`, { token: fx.member.token, body: { nick: 'Boss' } })).body.code).toBe(50013);
    const byOwner = await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token, body: { nick: null } });
    expect(byOwner.body.nick).toBeNull();
    await api.call('PATCH', `/guilds/${fx.guildId}/roles/${fx.guildId}`, { token: fx.owner.token, body: { permissions: Permission.VIEW_CHANNEL.toString() } });
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/members/@me`, { token: fx.member.token, body: { nick: 'again' } })).body.code).toBe(50013);
  });

  it('DELETE /guilds/{id}/roles/{role} removes it (GUILD_ROLE_DELETE) but never @everyone', async () => {
    const role = await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token, body: { name: 'temp' } });
    await api.call('PUT', `/guilds/${fx.guildId}/members/${fx.member.id}/roles/${role.body.id as string}`, { token: fx.owner.token });
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/roles/${role.body.id as string}`, { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/roles/${fx.guildId}`, { token: fx.owner.token })).body.code).toBe(50035);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/roles/${role.body.id as string}`, { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('GUILD_ROLE_DELETE')[0]?.payload).toEqual({ guild_id: fx.guildId, role_id: role.body.id });
    expect((await api.call('GET', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token })).body.roles).toEqual([]);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/roles/${role.body.id as string}`, { token: fx.owner.token })).body.code).toBe(10011);
  });
});
