import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmojiRecords } from '@chat/store';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('reactions', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  let messageId: string;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
    messageId = (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body: { content: 'react to me' } })).body.id;
    api.dispatches.length = 0;
  });
  afterEach(async () => {
    await api.close();
  });

  const path = (emoji: string, who = '@me', id = messageId) => `/channels/${fx.channelId}/messages/${id}/reactions/${encodeURIComponent(emoji)}${who === '' ? '' : `/${who}`}`;
  const react = (emoji: string, token: string) => api.call('PUT', path(emoji), { token });
  const fetchMessage = async (token: string) => (await api.call('GET', `/channels/${fx.channelId}/messages/${messageId}`, { token })).body;

  it('adds, counts with `me` per reader, lists reactors and sends MESSAGE_REACTION_ADD once per user', async () => {
    expect((await react('👍', fx.owner.token)).status).toBe(204);
    expect((await react('👍', fx.member.token)).status).toBe(204);
    expect((await react('👍', fx.member.token)).status).toBe(204);
    api.clock.now += 1000;
    expect((await react('🎉', fx.member.token)).status).toBe(204);
    const adds = api.ofType('MESSAGE_REACTION_ADD');
    expect(adds).toHaveLength(3);
    expect(adds[1]).toMatchObject({
      target: { guildId: fx.guildId },
      payload: { user_id: fx.member.id, channel_id: fx.channelId, message_id: messageId, guild_id: fx.guildId, emoji: { id: null, name: '👍' }, message_author_id: fx.owner.id, burst: false, type: 0, member: { user: { id: fx.member.id } } },
    });
    expect((await fetchMessage(fx.owner.token)).reactions).toEqual([
      { count: 2, count_details: { burst: 0, normal: 2 }, me: true, me_burst: false, emoji: { id: null, name: '👍' }, burst_colors: [] },
      { count: 1, count_details: { burst: 0, normal: 1 }, me: false, me_burst: false, emoji: { id: null, name: '🎉' }, burst_colors: [] },
    ]);
    const history = (await api.call('GET', `/channels/${fx.channelId}/messages`, { token: fx.member.token })).body;
    expect(history[0].reactions.map((r: { me: boolean }) => r.me)).toEqual([true, true]);
    const reactors = (await api.call('GET', path('👍', ''), { token: fx.member.token })).body;
    expect(reactors.map((u: { id: string }) => u.id).sort()).toEqual([fx.owner.id, fx.member.id].sort());
    const after = (await api.call('GET', `${path('👍', '')}?after=${reactors[0].id}&limit=1`, { token: fx.member.token })).body;
    expect(after.map((u: { id: string }) => u.id)).toEqual([reactors[1].id]);
    expect((await api.call('GET', `${path('👍', '')}?type=1`, { token: fx.member.token })).body).toEqual([]);
  });

  it('removes one own, another user (MANAGE_MESSAGES), one emoji and all, with their events', async () => {
    await react('👍', fx.owner.token);
    await react('👍', fx.member.token);
    await react('🎉', fx.member.token);
    await react('❤️', fx.member.token);
    expect((await api.call('DELETE', path('👍'), { token: fx.member.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_REMOVE')[0]?.payload).toEqual({ user_id: fx.member.id, channel_id: fx.channelId, message_id: messageId, guild_id: fx.guildId, emoji: { id: null, name: '👍' }, burst: false, type: 0 });
    expect((await api.call('DELETE', path('👍', fx.owner.id), { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', path('🎉', fx.member.id), { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_REMOVE')).toHaveLength(2);
    expect((await api.call('DELETE', path('👍', ''), { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', path('👍', ''), { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_REMOVE_EMOJI')[0]?.payload).toEqual({ channel_id: fx.channelId, message_id: messageId, guild_id: fx.guildId, emoji: { id: null, name: '👍' } });
    expect((await fetchMessage(fx.owner.token)).reactions.map((r: { emoji: { name: string } }) => r.emoji.name)).toEqual(['❤️']);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/${messageId}/reactions`, { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_REMOVE_ALL')[0]?.payload).toEqual({ channel_id: fx.channelId, message_id: messageId, guild_id: fx.guildId });
    expect((await fetchMessage(fx.owner.token)).reactions).toBeUndefined();
    // Removing what is not there answers 204 and announces nothing.
    expect((await api.call('DELETE', path('👍'), { token: fx.member.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_REMOVE')).toHaveLength(2);
  });

  it('refuses unknown emojis (10014), the 21st distinct emoji (30010), and a new emoji without ADD_REACTIONS', async () => {
    for (const bad of ['x', 'notanemoji', '👍👍', 'party:123', '123']) expect((await react(bad, fx.member.token)).body.code).toBe(10014);
    const emojis = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    for (const emoji of emojis) expect((await react(emoji, fx.member.token)).status).toBe(204);
    const full = await react('🤔', fx.owner.token);
    expect([full.status, full.body.code]).toEqual([400, 30010]);
    expect((await react('😀', fx.owner.token)).status).toBe(204);
    const everyone = (await api.call('GET', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token })).body.find((r: { name: string }) => r.name === '@everyone');
    await api.call('PATCH', `/guilds/${fx.guildId}/roles/${everyone.id as string}`, { token: fx.owner.token, body: { permissions: String(BigInt(everyone.permissions) & ~Permission.ADD_REACTIONS) } });
    await api.call('DELETE', path('🤗', ''), { token: fx.owner.token });
    expect((await react('🤗', fx.member.token)).body.code).toBe(50013);
    expect((await react('😁', fx.member.token)).status).toBe(204);
    expect((await api.call('PUT', path('👍', '@me', '999'), { token: fx.member.token })).body.code).toBe(10008);
  });

  it('accepts a custom emoji of the guild as name:id and a:name:id, and sends its id', async () => {
    await new EmojiRecords(api.store.records).save({ guildId: fx.guildId }, { id: '4242', name: 'blob', animated: true, roles: [], creatorId: fx.owner.id, imageKey: 'emojis/4242' });
    expect((await react('blob:4242', fx.member.token)).status).toBe(204);
    expect((await react('a:blob:4242', fx.owner.token)).status).toBe(204);
    expect(api.ofType('MESSAGE_REACTION_ADD')[0]?.payload.emoji).toEqual({ id: '4242', name: 'blob', animated: true });
    expect((await fetchMessage(fx.owner.token)).reactions[0]).toMatchObject({ count: 2, me: true, emoji: { id: '4242', name: 'blob' } });
  });

  it('deleting the message deletes its reactions', async () => {
    await react('👍', fx.owner.token);
    await api.call('DELETE', `/channels/${fx.channelId}/messages/${messageId}`, { token: fx.owner.token });
    expect((await api.store.reactions.counts(fx.channelId, [messageId], undefined)).size).toBe(0);
  });

  it('sends DM reactions to both recipients', async () => {
    const dm = (await api.call('POST', '/users/@me/channels', { token: fx.owner.token, body: { recipient_id: fx.member.id } })).body;
    const sent = (await api.call('POST', `/channels/${dm.id as string}/messages`, { token: fx.owner.token, body: { content: 'hi' } })).body;
    expect((await api.call('PUT', `/channels/${dm.id as string}/messages/${sent.id as string}/reactions/${encodeURIComponent('👋')}/@me`, { token: fx.member.token })).status).toBe(204);
    const add = api.ofType('MESSAGE_REACTION_ADD')[0];
    expect((add?.target as { userIds: string[] }).userIds.sort()).toEqual([fx.owner.id, fx.member.id].sort());
    expect(add?.payload).not.toHaveProperty('guild_id');
    expect(add?.payload).not.toHaveProperty('member');
    expect((await api.call('DELETE', `/channels/${dm.id as string}/messages/${sent.id as string}/reactions`, { token: fx.owner.token })).body.code).toBe(50003);
  });
});
