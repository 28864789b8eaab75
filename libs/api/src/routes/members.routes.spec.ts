import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('member, role and invite routes', () => {
  let api: RestHarness;
  beforeEach(async () => {
    api = await startRestHarness();
  });
  afterEach(async () => {
    await api.close();
  });

  it('lists members by id with limit and after, and gets one (10007 for a non-member)', async () => {
    const fx = await guildFixture(api);
    const first = await api.call('GET', `/guilds/${fx.guildId}/members`, { token: fx.member.token });
    expect(first.body).toHaveLength(1);
    const all = await api.call('GET', `/guilds/${fx.guildId}/members?limit=1000`, { token: fx.member.token });
    const ids = all.body.map((m: { user: { id: string } }) => m.user.id);
    expect(ids).toEqual([fx.owner.id, fx.member.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    const after = await api.call('GET', `/guilds/${fx.guildId}/members?limit=10&after=${ids[0] as string}`, { token: fx.member.token });
    expect(after.body.map((m: { user: { id: string } }) => m.user.id)).toEqual([ids[1]]);
    expect((await api.call('GET', `/guilds/${fx.guildId}/members?limit=1001`, { token: fx.member.token })).body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MAX');
    const one = await api.call('GET', `/guilds/${fx.guildId}/members/${fx.owner.id}`, { token: fx.member.token });
    expect(one.body).toMatchObject({ user: { id: fx.owner.id }, roles: [], nick: null, deaf: false, mute: false });
    expect((await api.call('GET', `/guilds/${fx.guildId}/members/42`, { token: fx.member.token })).body).toEqual({ code: 10007, message: 'Unknown Member' });
  });

  it('creates, edits and assigns roles with MANAGE_ROLES and the role hierarchy', async () => {
    const fx = await guildFixture(api);
    expect((await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.member.token, body: { name: 'x' } })).body.code).toBe(50013);
    const mod = await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token, body: { name: 'mod', permissions: (Permission.MANAGE_ROLES | Permission.KICK_MEMBERS).toString(), mentionable: true } });
    expect(mod.body).toMatchObject({ name: 'mod', position: 1, mentionable: true });
    expect(api.ofType('GUILD_ROLE_CREATE')[0]?.payload).toMatchObject({ guild_id: fx.guildId, role: { id: mod.body.id } });
    const patched = await api.call('PATCH', `/guilds/${fx.guildId}/roles/${mod.body.id as string}`, { token: fx.owner.token, body: { color: 0xff0000, position: 2 } });
    expect(patched.body).toMatchObject({ color: 0xff0000, position: 2 });
    expect(api.ofType('GUILD_ROLE_UPDATE')).toHaveLength(1);
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/roles/555`, { token: fx.owner.token, body: { name: 'y' } })).body.code).toBe(10011);

    expect((await api.call('PUT', `/guilds/${fx.guildId}/members/${fx.member.id}/roles/${mod.body.id as string}`, { token: fx.owner.token })).status).toBe(204);
    const [update] = api.ofType('GUILD_MEMBER_UPDATE');
    expect(update?.payload).toMatchObject({ guild_id: fx.guildId, roles: [mod.body.id], user: { id: fx.member.id } });

    // The moderator now has MANAGE_ROLES but may not touch a role at or above its own, nor grant bits it lacks.
    const low = await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.member.token, body: { name: 'low' } });
    expect(low.status).toBe(200);
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/roles/${mod.body.id as string}`, { token: fx.member.token, body: { name: 'boss' } })).body.code).toBe(50013);
    expect((await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.member.token, body: { name: 'admin', permissions: Permission.ADMINISTRATOR.toString() } })).body.code).toBe(50013);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/members/${fx.member.id}/roles/${mod.body.id as string}`, { token: fx.owner.token })).status).toBe(204);
    expect((await api.call('GET', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token })).body.roles).toEqual([]);
  });

  it('kicks with KICK_MEMBERS (not the owner), publishing GUILD_MEMBER_REMOVE and GUILD_DELETE to the kicked user', async () => {
    const fx = await guildFixture(api);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/members/${fx.owner.id}`, { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('GUILD_MEMBER_REMOVE')[0]?.payload).toMatchObject({ guild_id: fx.guildId, user: { id: fx.member.id } });
    expect(api.ofType('GUILD_DELETE')[0]?.target).toEqual({ userIds: [fx.member.id] });
    expect((await api.call('GET', `/guilds/${fx.guildId}`, { token: fx.member.token })).body.code).toBe(50001);
  });

  it('PUT /guilds/{id}/members/{user} adds a user (MANAGE_GUILD) and answers 204 when already a member', async () => {
    const fx = await guildFixture(api);
    const carol = await api.user('carol');
    expect((await api.call('PUT', `/guilds/${fx.guildId}/members/${carol.id}`, { token: fx.member.token, body: {} })).body.code).toBe(50013);
    const added = await api.call('PUT', `/guilds/${fx.guildId}/members/${carol.id}`, { token: fx.owner.token, body: { nick: 'C' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ nick: 'C', user: { id: carol.id } });
    expect(api.ofType('GUILD_MEMBER_ADD')[0]?.payload).toMatchObject({ guild_id: fx.guildId, user: { id: carol.id } });
    expect((await api.call('PUT', `/guilds/${fx.guildId}/members/${carol.id}`, { token: fx.owner.token, body: {} })).status).toBe(204);
    expect((await api.call('PUT', `/guilds/${fx.guildId}/members/4242`, { token: fx.owner.token, body: {} })).body.code).toBe(10013);
  });

  it('invites: create needs CREATE_INSTANT_INVITE, GET shows it, joining publishes GUILD_MEMBER_ADD and sends GUILD_CREATE; used-up invites are 10006', async () => {
    const fx = await guildFixture(api);
    const carol = await api.user('carol');
    const dave = await api.user('dave');
    const invite = await api.call('POST', `/channels/${fx.channelId}/invites`, { token: fx.member.token, body: { max_uses: 1, max_age: 3600 } });
    expect(invite.status).toBe(200);
    expect(invite.body).toMatchObject({ max_uses: 1, max_age: 3600, uses: 0, guild: { id: fx.guildId }, channel: { id: fx.channelId }, inviter: { id: fx.member.id } });
    expect(api.ofType('INVITE_CREATE')[0]?.payload).toMatchObject({ code: invite.body.code, guild_id: fx.guildId });
    const code = invite.body.code as string;
    expect((await api.call('GET', `/invites/${code}`)).body.code).toBe(code);
    const joined = await api.call('POST', `/invites/${code}`, { token: carol.token });
    expect(joined.body).toMatchObject({ code, new_member: true, uses: 1 });
    expect(api.ofType('GUILD_MEMBER_ADD')[0]?.target).toEqual({ guildId: fx.guildId });
    expect(api.ofType('GUILD_CREATE')[0]?.target).toEqual({ userIds: [carol.id] });
    const late = await api.call('POST', `/invites/${code}`, { token: dave.token });
    expect(late.status).toBe(404);
    expect(late.body).toEqual({ code: 10006, message: 'Unknown Invite' });
    expect((await api.call('GET', '/invites/nope', { token: dave.token })).body.code).toBe(10006);

    await api.call('PUT', `/channels/${fx.channelId}/permissions/${fx.guildId}`, { token: fx.owner.token, body: { type: 0, deny: Permission.CREATE_INSTANT_INVITE.toString() } });
    expect((await api.call('POST', `/channels/${fx.channelId}/invites`, { token: fx.member.token, body: {} })).body.code).toBe(50013);
  });

  it('expires invites by max_age', async () => {
    const fx = await guildFixture(api);
    const carol = await api.user('carol');
    const invite = await api.call('POST', `/channels/${fx.channelId}/invites`, { token: fx.owner.token, body: { max_age: 60 } });
    api.clock.now += 61_000;
    expect((await api.call('GET', `/invites/${invite.body.code as string}`)).body.code).toBe(10006);
    expect((await api.call('POST', `/invites/${invite.body.code as string}`, { token: carol.token })).body.code).toBe(10006);
  });
});
