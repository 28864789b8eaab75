import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('channel webhooks', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  const create = (name = 'Deploys', token = fx.owner.token) => api.call('POST', `/channels/${fx.channelId}/webhooks`, { token, body: { name } });

  it('creates (token shown once), lists, edits and deletes with MANAGE_WEBHOOKS, announcing WEBHOOKS_UPDATE', async () => {
    const made = await create();
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ type: 1, name: 'Deploys', channel_id: fx.channelId, guild_id: fx.guildId, application_id: null, avatar: null, user: { id: fx.owner.id } });
    expect(made.body.token).toMatch(/^[\w-]{68}$/);
    expect(api.ofType('WEBHOOKS_UPDATE')[0]?.payload).toEqual({ guild_id: fx.guildId, channel_id: fx.channelId });
    const listed = await api.call('GET', `/channels/${fx.channelId}/webhooks`, { token: fx.owner.token });
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].token).toBeUndefined();
    expect((await api.call('GET', `/guilds/${fx.guildId}/webhooks`, { token: fx.owner.token })).body).toHaveLength(1);
    const renamed = await api.call('PATCH', `/webhooks/${made.body.id as string}`, { token: fx.owner.token, body: { name: 'CI' } });
    expect(renamed.body.name).toBe('CI');
    const byToken = await api.call('GET', `/webhooks/${made.body.id as string}/${made.body.token as string}`);
    expect(byToken.body).toMatchObject({ id: made.body.id, name: 'CI' });
    expect(byToken.body.user).toBeUndefined();
    expect((await api.call('DELETE', `/webhooks/${made.body.id as string}/${made.body.token as string}`)).status).toBe(204);
    expect((await api.call('GET', `/webhooks/${made.body.id as string}`, { token: fx.owner.token })).body.code).toBe(10015);
  });

  it('refuses members without MANAGE_WEBHOOKS, bad names, avatars before the CDN, and a 16th webhook in a channel', async () => {
    expect((await create('Mine', fx.member.token)).body.code).toBe(50013);
    expect((await create('Clyde')).body.errors.name._errors[0].code).toBe('BASE_TYPE_INVALID');
    const withAvatar = await api.call('POST', `/channels/${fx.channelId}/webhooks`, { token: fx.owner.token, body: { name: 'Pic', avatar: 'data:image/png;base64,AAAA' } });
    expect(withAvatar.body.errors.avatar._errors[0].code).toBe('BASE_TYPE_INVALID');
    for (let i = 0; i < 15; i++) expect((await create(`hook ${i}`)).status).toBe(200);
    const sixteenth = await create('one too many');
    expect([sixteenth.status, sixteenth.body.code]).toEqual([400, 30007]);
  });

  it('executes with a name override (wait=true returns the message), edits and deletes its messages; a wrong token is 50027', async () => {
    const hook = (await create()).body;
    const base = `/webhooks/${hook.id as string}/${hook.token as string}`;
    const quiet = await api.call('POST', base, { body: { content: 'no wait' } });
    expect(quiet.status).toBe(204);
    const sent = await api.call('POST', `${base}?wait=true`, { body: { content: 'deployed <@' + fx.member.id + '>', username: 'Release bot', embeds: [{ title: 'v1.2' }] } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ webhook_id: hook.id, author: { id: hook.id, username: 'Release bot', bot: true }, content: `deployed <@${fx.member.id}>`, mentions: [{ id: fx.member.id }], embeds: [{ title: 'v1.2' }] });
    const event = api.ofType('MESSAGE_CREATE').find((d) => (d.payload as any).id === sent.body.id);
    expect(event?.payload).toMatchObject({ webhook_id: hook.id, author: { username: 'Release bot' } });
    const edited = await api.call('PATCH', `${base}/messages/${sent.body.id as string}`, { body: { content: 'rolled back' } });
    expect(edited.body).toMatchObject({ content: 'rolled back', author: { username: 'Release bot' } });
    expect((await api.call('GET', `${base}/messages/${sent.body.id as string}`)).body.content).toBe('rolled back');
    const link = await api.call('POST', `${base}?wait=true`, { body: { components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Open', url: 'https://example.com' }] }] } });
    expect(link.status).toBe(200);
    const button = await api.call('POST', base, { body: { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Click', custom_id: 'c' }] }] } });
    expect(button.body.errors.components._errors[0].code).toBe('COMPONENT_INVALID_SENDER');
    expect((await api.call('POST', `${base}?thread_id=1`, { body: { content: 'x' } })).body.errors.thread_id._errors[0].code).toBe('BASE_TYPE_INVALID');
    expect((await api.call('DELETE', `${base}/messages/${sent.body.id as string}`)).status).toBe(204);
    const wrong = await api.call('POST', `/webhooks/${hook.id as string}/not-the-token`, { body: { content: 'x' } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 50027]);
    const ownMessage = (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body: { content: 'mine' } })).body;
    expect((await api.call('PATCH', `${base}/messages/${ownMessage.id as string}`, { body: { content: 'hijack' } })).body.code).toBe(10008);
    expect((await api.call('POST', '/webhooks/42/whatever', { body: { content: 'x' } })).body.code).toBe(10015);
  });
});
