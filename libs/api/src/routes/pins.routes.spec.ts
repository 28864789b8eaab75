import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('pins', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  const send = async (content: string) => (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.member.token, body: { content } })).body;
  const pin = (id: string, token = fx.owner.token, legacy = false) => api.call('PUT', legacy ? `/channels/${fx.channelId}/pins/${id}` : `/channels/${fx.channelId}/messages/pins/${id}`, { token });

  it('pins without marking the message edited, posts the type 6 notice, moves last_pin_timestamp and sends CHANNEL_PINS_UPDATE', async () => {
    const message = await send('pin me');
    api.dispatches.length = 0;
    expect((await pin(message.id)).status).toBe(204);
    const fetched = (await api.call('GET', `/channels/${fx.channelId}/messages/${message.id as string}`, { token: fx.owner.token })).body;
    expect(fetched).toMatchObject({ pinned: true, edited_timestamp: null });
    expect(api.ofType('MESSAGE_UPDATE')[0]?.payload).toMatchObject({ id: message.id, pinned: true });
    const notice = api.ofType('MESSAGE_CREATE')[0]?.payload as any;
    expect(notice).toMatchObject({ type: 6, content: '', author: { id: fx.owner.id }, message_reference: { message_id: message.id, channel_id: fx.channelId } });
    const update = api.ofType('CHANNEL_PINS_UPDATE')[0]?.payload as any;
    expect(update).toMatchObject({ guild_id: fx.guildId, channel_id: fx.channelId });
    expect(Date.parse(update.last_pin_timestamp)).toBeGreaterThan(0);
    expect((await api.call('GET', `/channels/${fx.channelId}`, { token: fx.owner.token })).body.last_pin_timestamp).toBe(update.last_pin_timestamp);
    expect((await pin(message.id)).status).toBe(204);
    expect(api.ofType('CHANNEL_PINS_UPDATE')).toHaveLength(1);
  });

  it('lists pins newest pin first, both ways, paged by pin time; unpins; a deleted message leaves the list', async () => {
    const [a, b, c] = [await send('a'), await send('b'), await send('c')];
    for (const m of [b, a, c]) {
      await pin(m.id, fx.owner.token, m === a);
      api.clock.now += 1000;
    }
    const legacy = await api.call('GET', `/channels/${fx.channelId}/pins`, { token: fx.member.token });
    expect(legacy.body.map((m: { content: string }) => m.content)).toEqual(['c', 'a', 'b']);
    const first = await api.call('GET', `/channels/${fx.channelId}/messages/pins?limit=2`, { token: fx.member.token });
    expect(first.body.items.map((i: { message: { content: string } }) => i.message.content)).toEqual(['c', 'a']);
    expect(first.body.has_more).toBe(true);
    const next = await api.call('GET', `/channels/${fx.channelId}/messages/pins?before=${encodeURIComponent(first.body.items[1].pinned_at)}`, { token: fx.member.token });
    expect(next.body).toMatchObject({ items: [{ message: { content: 'b' } }], has_more: false });
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/pins/${a.id as string}`, { token: fx.owner.token })).status).toBe(204);
    expect((await api.call('GET', `/channels/${fx.channelId}/messages/${a.id as string}`, { token: fx.owner.token })).body.pinned).toBe(false);
    await api.call('DELETE', `/channels/${fx.channelId}/messages/${c.id as string}`, { token: fx.member.token });
    expect((await api.call('GET', `/channels/${fx.channelId}/pins`, { token: fx.member.token })).body.map((m: { content: string }) => m.content)).toEqual(['b']);
    const bad = await api.call('GET', `/channels/${fx.channelId}/messages/pins?before=yesterday`, { token: fx.member.token });
    expect(bad.body.errors.before._errors[0].code).toBe('DATE_TYPE_PARSE');
  });

  it('needs MANAGE_MESSAGES or PIN_MESSAGES, and stops at 250 pins (30003)', async () => {
    const message = await send('mine');
    expect((await pin(message.id, fx.member.token)).body.code).toBe(50013);
    const role = (await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token, body: { name: 'pinners', permissions: String(Permission.PIN_MESSAGES) } })).body;
    await api.call('PUT', `/guilds/${fx.guildId}/members/${fx.member.id}/roles/${role.id as string}`, { token: fx.owner.token });
    expect((await pin(message.id, fx.member.token)).status).toBe(204);
    for (let i = 1; i < 250; i++) await api.store.records.put('pins', fx.channelId, String(10_000 + i), String(i));
    const full = await pin((await send('one more')).id);
    expect([full.status, full.body.code]).toEqual([400, 30003]);
    expect((await pin('123')).body.code).toBe(10008);
  });
});
