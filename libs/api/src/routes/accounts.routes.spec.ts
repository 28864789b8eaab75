import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('account routes', () => {
  let api: RestHarness;
  beforeEach(async () => {
    api = await startRestHarness();
  });
  afterEach(async () => {
    await api.close();
  });

  it('registers, logs in by username and email, and reads /users/@me', async () => {
    const alice = await api.user('alice');
    expect(alice.id).toMatch(/^\d+$/);
    for (const login of ['alice', 'alice@example.test']) {
      const response = await api.call('POST', '/auth/login', { body: { login, password: 'correct horse battery' } });
      expect(response.status).toBe(200);
      expect(response.body.user_id).toBe(alice.id);
      const me = await api.call('GET', '/users/@me', { token: response.body.token });
      expect(me.body).toMatchObject({ id: alice.id, username: 'alice', discriminator: '0', email: 'alice@example.test', global_name: null });
      expect(me.body.bot).toBeUndefined();
    }
  });

  it('refuses a wrong password and a taken username with 50035', async () => {
    await api.user('alice');
    const login = await api.call('POST', '/auth/login', { body: { login: 'alice', password: 'wrong password' } });
    expect(login.status).toBe(400);
    expect(login.body.code).toBe(50035);
    expect(login.body.errors.password._errors[0].code).toBe('INVALID_LOGIN');
    const again = await api.call('POST', '/auth/register', { body: { username: 'alice', password: 'another password' } });
    expect(again.status).toBe(400);
    expect(again.body.errors.username._errors[0].code).toBe('USERNAME_ALREADY_TAKEN');
  });

  it('PATCH /users/@me updates the user and sends USER_UPDATE to them', async () => {
    const alice = await api.user('alice');
    const response = await api.call('PATCH', '/users/@me', { token: alice.token, body: { global_name: 'Alice A.' } });
    expect(response.status).toBe(200);
    expect(response.body.global_name).toBe('Alice A.');
    const [update] = api.ofType('USER_UPDATE');
    expect(update?.target).toEqual({ userIds: [alice.id] });
    expect(update?.payload.global_name).toBe('Alice A.');
    const bad = await api.call('PATCH', '/users/@me', { token: alice.token, body: { username: 'no spaces allowed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.username).toBeDefined();
  });

  it('GET /users/{id} answers 10013 for an unknown user and 50035 for a bad id', async () => {
    const alice = await api.user('alice');
    expect((await api.call('GET', `/users/${alice.id}`, { token: alice.token })).body.username).toBe('alice');
    const unknown = await api.call('GET', '/users/12345', { token: alice.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 10013, message: 'Unknown User' });
    expect((await api.call('GET', '/users/abc', { token: alice.token })).body.code).toBe(50035);
  });

  it('lists the guilds of the user with their permissions', async () => {
    const alice = await api.user('alice');
    const guild = await api.call('POST', '/guilds', { token: alice.token, body: { name: 'Mine' } });
    const list = await api.call('GET', '/users/@me/guilds', { token: alice.token });
    expect(list.body).toEqual([{ id: guild.body.id, name: 'Mine', icon: null, banner: null, owner: true, permissions: ((1n << 64n) - 1n).toString(), features: [] }]);
  });

  it('opens one DM channel per pair, sends CHANNEL_CREATE once, and answers 10013 for an unknown recipient', async () => {
    const alice = await api.user('alice');
    const bob = await api.user('bob');
    const first = await api.call('POST', '/users/@me/channels', { token: alice.token, body: { recipient_id: bob.id } });
    expect(first.status).toBe(200);
    expect(first.body.type).toBe(1);
    expect(first.body.recipients.map((u: { id: string }) => u.id)).toEqual([bob.id]);
    const second = await api.call('POST', '/users/@me/channels', { token: bob.token, body: { recipient_id: alice.id } });
    expect(second.body.id).toBe(first.body.id);
    expect(api.ofType('CHANNEL_CREATE')).toHaveLength(1);
    const unknown = await api.call('POST', '/users/@me/channels', { token: alice.token, body: { recipient_id: '42' } });
    expect(unknown.body.code).toBe(10013);
  });

  it('GET /gateway/bot needs a bot token and gives shards and session_start_limit', async () => {
    expect((await api.call('GET', '/gateway/bot')).status).toBe(401);
    const alice = await api.user('alice');
    const byUser = await api.call('GET', '/gateway/bot', { token: alice.token });
    expect(byUser.status).toBe(403);
    expect(byUser.body).toEqual({ message: 'Only bots can use this endpoint', code: 20002 });
    const app = await api.call('POST', '/applications', { token: alice.token, body: { name: 'Shards' } });
    const bot = await api.call('POST', `/applications/${app.body.id as string}/bot`, { token: alice.token });
    const response = await api.call('GET', '/gateway/bot', { token: bot.body.token, bot: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ url: 'ws://127.0.0.1:9999', shards: 1, session_start_limit: { max_concurrency: 1 } });
  });
});
