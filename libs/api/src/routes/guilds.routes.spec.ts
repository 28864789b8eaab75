import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('guild and channel routes', () => {
  let api: RestHarness;
  beforeEach(async () => {
    api = await startRestHarness();
  });
  afterEach(async () => {
    await api.close();
  });

  it('POST /guilds creates @everyone with the default permissions and a "general" channel, and sends GUILD_CREATE to the owner', async () => {
    const alice = await api.user('alice');
    const response = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'Cafe' } });
    expect(response.status).toBe(201);
    const guild = response.body;
    expect(guild).toMatchObject({ name: 'Cafe', owner_id: alice.id, roles: [{ id: guild.id, name: '@everyone', position: 0, permissions: DEFAULT_EVERYONE_PERMISSIONS.toString() }] });
    const channels = await api.call('GET', `/guilds/${guild.id as string}/channels`, { token: alice.token });
    expect(channels.body).toEqual([expect.objectContaining({ id: guild.system_channel_id, name: 'general', type: 0, guild_id: guild.id, permission_overwrites: [] })]);
    const [created] = api.ofType('GUILD_CREATE');
    expect(created?.target).toEqual({ userIds: [alice.id] });
    expect(created?.payload).toMatchObject({ id: guild.id, member_count: 1, large: false, channels: [{ name: 'general' }], members: [{ user: { id: alice.id } }] });
    expect(typeof created?.payload.joined_at).toBe('string');
    expect(new Date(created?.payload.joined_at as string).toISOString()).toBe(created?.payload.joined_at);
  });

  it('validates the guild name (50035)', async () => {
    const alice = await api.user('alice');
    const response = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'x' } });
    expect(response.status).toBe(400);
    expect(response.body.errors.name._errors[0].code).toBe('BASE_TYPE_MIN_LENGTH');
    const missing = await api.call('POST', '/guilds', { token: alice.token, body: {} });
    expect(missing.body.errors.name._errors[0].code).toBe('BASE_TYPE_REQUIRED');
  });

  it('GET /guilds/{id}: 10004 unknown, 50001 not a member, 50035 bad id', async () => {
    const fx = await guildFixture(api);
    const stranger = await api.user('stranger');
    expect((await api.call('GET', `/guilds/${fx.guildId}`, { token: fx.member.token })).body.id).toBe(fx.guildId);
    const unknown = await api.call('GET', '/guilds/1234', { token: fx.member.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 10004, message: 'Unknown Guild' });
    const outsider = await api.call('GET', `/guilds/${fx.guildId}`, { token: stranger.token });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual({ code: 50001, message: 'Missing Access' });
    const bad = await api.call('GET', '/guilds/not-an-id', { token: stranger.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.guild_id._errors[0].code).toBe('NUMBER_TYPE_COERCE');
  });

  it('PATCH /guilds/{id} needs MANAGE_GUILD and publishes GUILD_UPDATE', async () => {
    const fx = await guildFixture(api);
    const denied = await api.call('PATCH', `/guilds/${fx.guildId}`, { token: fx.member.token, body: { name: 'Renamed' } });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: 50013, message: 'Missing Permissions' });
    const response = await api.call('PATCH', `/guilds/${fx.guildId}`, { token: fx.owner.token, body: { name: 'Renamed', description: 'hi' } });
    expect(response.body).toMatchObject({ name: 'Renamed', description: 'hi' });
    const [update] = api.ofType('GUILD_UPDATE');
    expect(update?.target).toEqual({ guildId: fx.guildId });
    expect(update?.payload.name).toBe('Renamed');
  });

  it('DELETE /guilds/{id} is for the owner only and publishes GUILD_DELETE', async () => {
    const fx = await guildFixture(api);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}`, { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}`, { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('GUILD_DELETE')[0]?.payload).toEqual({ id: fx.guildId });
    expect((await api.call('GET', `/guilds/${fx.guildId}`, { token: fx.owner.token })).body.code).toBe(10004);
  });

  it('POST /guilds/{id}/channels needs MANAGE_CHANNELS, validates, and publishes CHANNEL_CREATE', async () => {
    const fx = await guildFixture(api);
    expect((await api.call('POST', `/guilds/${fx.guildId}/channels`, { token: fx.member.token, body: { name: 'news' } })).body.code).toBe(50013);
    const invalid = await api.call('POST', `/guilds/${fx.guildId}/channels`, { token: fx.owner.token, body: { name: '', type: 99 } });
    expect(invalid.body.code).toBe(50035);
    expect(Object.keys(invalid.body.errors).sort()).toEqual(['name', 'type']);
    const voice = await api.call('POST', `/guilds/${fx.guildId}/channels`, { token: fx.owner.token, body: { name: 'Lounge', type: 2 } });
    expect(voice.status).toBe(201);
    expect(voice.body).toMatchObject({ name: 'Lounge', type: 2, bitrate: 64000, user_limit: 0 });
    const [created] = api.ofType('CHANNEL_CREATE');
    expect(created?.target).toEqual({ guildId: fx.guildId });
    expect(created?.dispatch.channelId).toBe(voice.body.id);
  });

  it('hides channels whose overwrites deny VIEW_CHANNEL (list filtered, GET 50001) and edits them with MANAGE_CHANNELS', async () => {
    const fx = await guildFixture(api);
    const secret = await api.call('POST', `/guilds/${fx.guildId}/channels`, {
      token: fx.owner.token,
      body: { name: 'secret', permission_overwrites: [{ id: fx.guildId, type: 0, deny: Permission.VIEW_CHANNEL.toString() }] },
    });
    expect(secret.body.permission_overwrites).toEqual([{ id: fx.guildId, type: 0, allow: '0', deny: Permission.VIEW_CHANNEL.toString() }]);
    const list = await api.call('GET', `/guilds/${fx.guildId}/channels`, { token: fx.member.token });
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['general']);
    expect((await api.call('GET', `/channels/${secret.body.id as string}`, { token: fx.member.token })).body.code).toBe(50001);
    expect((await api.call('GET', '/channels/999', { token: fx.member.token })).body).toEqual({ code: 10003, message: 'Unknown Channel' });

    expect((await api.call('PATCH', `/channels/${fx.channelId}`, { token: fx.member.token, body: { topic: 'x' } })).body.code).toBe(50013);
    const patched = await api.call('PATCH', `/channels/${fx.channelId}`, { token: fx.owner.token, body: { topic: 'Talk here' } });
    expect(patched.body.topic).toBe('Talk here');
    expect(api.ofType('CHANNEL_UPDATE')[0]?.payload.topic).toBe('Talk here');
  });

  it('PUT/DELETE /channels/{id}/permissions/{target} need MANAGE_ROLES and change what a member can do', async () => {
    const fx = await guildFixture(api);
    const deny = { type: 1, deny: Permission.VIEW_CHANNEL.toString() };
    expect((await api.call('PUT', `/channels/${fx.channelId}/permissions/${fx.owner.id}`, { token: fx.member.token, body: deny })).body.code).toBe(50013);
    expect((await api.call('PUT', `/channels/${fx.channelId}/permissions/${fx.member.id}`, { token: fx.owner.token, body: deny })).status).toBe(204);
    expect(api.ofType('CHANNEL_UPDATE')[0]?.payload.permission_overwrites).toEqual([{ id: fx.member.id, type: 1, allow: '0', deny: Permission.VIEW_CHANNEL.toString() }]);
    expect((await api.call('GET', `/channels/${fx.channelId}`, { token: fx.member.token })).body.code).toBe(50001);
    expect((await api.call('PUT', `/channels/${fx.channelId}/permissions/777`, { token: fx.owner.token, body: { type: 0 } })).body.code).toBe(10011);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/permissions/${fx.member.id}`, { token: fx.owner.token })).status).toBe(204);
    expect((await api.call('GET', `/channels/${fx.channelId}`, { token: fx.member.token })).status).toBe(200);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/permissions/${fx.member.id}`, { token: fx.owner.token })).body.code).toBe(10009);
  });

  it('DELETE /channels/{id} needs MANAGE_CHANNELS and publishes CHANNEL_DELETE', async () => {
    const fx = await guildFixture(api);
    expect((await api.call('DELETE', `/channels/${fx.channelId}`, { token: fx.member.token })).body.code).toBe(50013);
    const deleted = await api.call('DELETE', `/channels/${fx.channelId}`, { token: fx.owner.token });
    expect(deleted.body.id).toBe(fx.channelId);
    expect(api.ofType('CHANNEL_DELETE')[0]?.payload.id).toBe(fx.channelId);
    expect((await api.call('GET', `/channels/${fx.channelId}`, { token: fx.owner.token })).body.code).toBe(10003);
  });
});

describe('joining with a gateway that attaches sessions', () => {
  it('calls attachUserToGuild instead of sending GUILD_CREATE itself (the session sends it)', async () => {
    const api = await startRestHarness({ withAttach: true });
    try {
      const alice = await api.user('alice');
      const bob = await api.user('bob');
      const guild = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'Cafe' } });
      const invite = await api.call('POST', `/channels/${guild.body.system_channel_id as string}/invites`, { token: alice.token, body: {} });
      await api.call('POST', `/invites/${invite.body.code as string}`, { token: bob.token });
      expect(api.attached).toEqual([
        { userId: alice.id, guildId: guild.body.id },
        { userId: bob.id, guildId: guild.body.id },
      ]);
      expect(api.ofType('GUILD_CREATE')).toHaveLength(0);
      expect(api.ofType('GUILD_MEMBER_ADD')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
