import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('message routes', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  const send = (token: string, body: unknown, channelId = fx.channelId) => api.call('POST', `/channels/${channelId}/messages`, { token, body });

  it('sends a message, echoes the nonce and publishes MESSAGE_CREATE with a redacted copy and the mention filter', async () => {
    const response = await send(fx.member.token, { content: `hi <@${fx.owner.id}> and <@!999>`, nonce: '1234' });
    expect(response.status).toBe(200);
    const message = response.body;
    expect(message).toMatchObject({
      channel_id: fx.channelId,
      guild_id: fx.guildId,
      author: { id: fx.member.id, username: 'member' },
      member: { roles: [] },
      content: `hi <@${fx.owner.id}> and <@!999>`,
      nonce: '1234',
      type: 0,
      tts: false,
      mention_everyone: false,
      mentions: [{ id: fx.owner.id }],
      edited_timestamp: null,
    });
    expect(new Date(message.timestamp).toISOString()).toBe(message.timestamp);
    const [event] = api.ofType('MESSAGE_CREATE');
    expect(event?.target).toEqual({ guildId: fx.guildId });
    expect(event?.payload).toMatchObject({ id: message.id, nonce: '1234', content: message.content });
    expect(event?.dispatch).toMatchObject({ channelId: fx.channelId, authorId: fx.member.id, mentionedUserIds: [fx.owner.id], mentionEveryone: false, dedupeKey: message.id });
    expect(JSON.parse(event?.dispatch.redactedPayloadJson ?? '{}').content).toBe('');
  });

  it('gates @everyone on MENTION_EVERYONE and role mentions on mentionable', async () => {
    const role = await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token, body: { name: 'pingme', mentionable: false } });
    const byMember = await send(fx.member.token, { content: `@everyone <@&${role.body.id as string}>` });
    expect(byMember.body.mention_everyone).toBe(false);
    expect(byMember.body.mention_roles).toEqual([]);
    const byOwner = await send(fx.owner.token, { content: `@here <@&${role.body.id as string}>` });
    expect(byOwner.body.mention_everyone).toBe(true);
    expect(byOwner.body.mention_roles).toEqual([role.body.id]);
    const suppressed = await send(fx.owner.token, { content: '@everyone', allowed_mentions: { parse: [] } });
    expect(suppressed.body.mention_everyone).toBe(false);
  });

  it('refuses empty (50006), too long (50035) and unpermitted (50013) messages', async () => {
    const empty = await send(fx.member.token, { content: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ code: 50006, message: 'Cannot send an empty message' });
    const long = await send(fx.member.token, { content: 'x'.repeat(2001) });
    expect(long.body.code).toBe(50035);
    expect(long.body.errors.content._errors[0]).toEqual({ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' });
    await api.call('PUT', `/channels/${fx.channelId}/permissions/${fx.member.id}`, { token: fx.owner.token, body: { type: 1, deny: Permission.SEND_MESSAGES.toString() } });
    const denied = await send(fx.member.token, { content: 'hello' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(50013);
    expect((await send(fx.member.token, { content: 'x' }, '999')).body.code).toBe(10003);
    expect(api.ofType('MESSAGE_CREATE')).toHaveLength(0);
  });

  it('pages history with limit, before, after and around, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await send(fx.member.token, { content: `m${i}` })).body.id as string);
    const latest = await api.call('GET', `/channels/${fx.channelId}/messages?limit=3`, { token: fx.owner.token });
    expect(latest.body.map((m: { content: string }) => m.content)).toEqual(['m6', 'm5', 'm4']);
    const before = await api.call('GET', `/channels/${fx.channelId}/messages?limit=2&before=${ids[4] as string}`, { token: fx.owner.token });
    expect(before.body.map((m: { content: string }) => m.content)).toEqual(['m3', 'm2']);
    const after = await api.call('GET', `/channels/${fx.channelId}/messages?limit=2&after=${ids[1] as string}`, { token: fx.owner.token });
    expect(after.body.map((m: { content: string }) => m.content)).toEqual(['m3', 'm2']);
    const around = await api.call('GET', `/channels/${fx.channelId}/messages?limit=3&around=${ids[3] as string}`, { token: fx.owner.token });
    expect(around.body.map((m: { content: string }) => m.content)).toEqual(['m4', 'm3', 'm2']);
    expect((await api.call('GET', `/channels/${fx.channelId}/messages?limit=101`, { token: fx.owner.token })).body.code).toBe(50035);
    expect((await api.call('GET', `/channels/${fx.channelId}/messages?before=xyz`, { token: fx.owner.token })).body.errors.before).toBeDefined();
  });

  it('gets one message (10008 when unknown) and edits only the author\'s (50005), publishing MESSAGE_UPDATE', async () => {
    const sent = await send(fx.member.token, { content: 'first' });
    const id = sent.body.id as string;
    expect((await api.call('GET', `/channels/${fx.channelId}/messages/${id}`, { token: fx.owner.token })).body.content).toBe('first');
    expect((await api.call('GET', `/channels/${fx.channelId}/messages/123`, { token: fx.owner.token })).body).toEqual({ code: 10008, message: 'Unknown Message' });
    const notAuthor = await api.call('PATCH', `/channels/${fx.channelId}/messages/${id}`, { token: fx.owner.token, body: { content: 'hijack' } });
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body.code).toBe(50005);
    api.clock.now += 1000;
    const edited = await api.call('PATCH', `/channels/${fx.channelId}/messages/${id}`, { token: fx.member.token, body: { content: `second <@${fx.owner.id}>` } });
    expect(edited.body).toMatchObject({ content: `second <@${fx.owner.id}>`, mentions: [{ id: fx.owner.id }] });
    expect(edited.body.edited_timestamp).toBe(new Date(api.clock.now).toISOString());
    expect(api.ofType('MESSAGE_UPDATE')[0]?.payload).toMatchObject({ id, content: `second <@${fx.owner.id}>` });
  });

  it('deletes own messages, others\' only with MANAGE_MESSAGES, and publishes MESSAGE_DELETE', async () => {
    const byOwner = (await send(fx.owner.token, { content: 'owner says' })).body.id as string;
    const byMember = (await send(fx.member.token, { content: 'member says' })).body.id as string;
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/${byOwner}`, { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/${byMember}`, { token: fx.member.token })).status).toBe(204);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/${byOwner}`, { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_DELETE').map((d) => d.payload)).toEqual([
      { id: byMember, channel_id: fx.channelId, guild_id: fx.guildId },
      { id: byOwner, channel_id: fx.channelId, guild_id: fx.guildId },
    ]);
    expect((await api.call('DELETE', `/channels/${fx.channelId}/messages/${byOwner}`, { token: fx.owner.token })).body.code).toBe(10008);
  });

  it('bulk-deletes 2..100 recent messages with MANAGE_MESSAGES and publishes MESSAGE_DELETE_BULK', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await send(fx.member.token, { content: `m${i}` })).body.id as string);
    const path = `/channels/${fx.channelId}/messages/bulk-delete`;
    expect((await api.call('POST', path, { token: fx.member.token, body: { messages: ids } })).body.code).toBe(50013);
    expect((await api.call('POST', path, { token: fx.owner.token, body: { messages: [ids[0]] } })).body.code).toBe(50016);
    expect((await api.call('POST', path, { token: fx.owner.token, body: { messages: ['1', '2'] } })).body.code).toBe(50034);
    expect((await api.call('POST', path, { token: fx.owner.token, body: { messages: ids } })).status).toBe(204);
    expect(api.ofType('MESSAGE_DELETE_BULK')[0]?.payload).toMatchObject({ channel_id: fx.channelId, guild_id: fx.guildId });
    expect((api.ofType('MESSAGE_DELETE_BULK')[0]?.payload.ids as string[]).sort()).toEqual([...ids].sort());
    expect((await api.call('GET', `/channels/${fx.channelId}/messages`, { token: fx.owner.token })).body).toEqual([]);
  });

  it('replies reference an existing message (type 19) and fail on an unknown one', async () => {
    const original = await send(fx.owner.token, { content: 'question' });
    const reply = await send(fx.member.token, { content: 'answer', message_reference: { message_id: original.body.id } });
    expect(reply.body).toMatchObject({ type: 19, message_reference: { message_id: original.body.id, channel_id: fx.channelId, guild_id: fx.guildId } });
    const bad = await send(fx.member.token, { content: 'answer', message_reference: { message_id: '12345' } });
    expect(bad.body.code).toBe(50035);
  });

  it('POST /channels/{id}/typing publishes TYPING_START', async () => {
    expect((await api.call('POST', `/channels/${fx.channelId}/typing`, { token: fx.member.token })).status).toBe(204);
    expect(api.ofType('TYPING_START')[0]?.payload).toMatchObject({ channel_id: fx.channelId, guild_id: fx.guildId, user_id: fx.member.id, member: { user: { id: fx.member.id } } });
  });

  it('DM messages go to both recipients through dispatchToUsers; strangers get 50001', async () => {
    const stranger = await api.user('stranger');
    const dm = await api.call('POST', '/users/@me/channels', { token: fx.member.token, body: { recipient_id: fx.owner.id } });
    const sent = await send(fx.member.token, { content: 'psst', nonce: 7 }, dm.body.id as string);
    expect(sent.body).toMatchObject({ content: 'psst', nonce: '7' });
    expect(sent.body.guild_id).toBeUndefined();
    const [event] = api.ofType('MESSAGE_CREATE');
    expect(event?.target).toEqual({ userIds: [fx.owner.id, fx.member.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) });
    expect((await send(stranger.token, { content: 'hi' }, dm.body.id as string)).body.code).toBe(50001);
    expect((await api.call('GET', `/channels/${dm.body.id as string}/messages`, { token: fx.owner.token })).body[0].content).toBe('psst');
  });

  it('keeps answering when publishing fails: the message is stored and returned', async () => {
    const failing = await startRestHarness({ failPublish: true });
    try {
      const f = await guildFixture(failing);
      const sent = await failing.call('POST', `/channels/${f.channelId}/messages`, { token: f.member.token, body: { content: 'still here' } });
      expect(sent.status).toBe(200);
      const history = await failing.call('GET', `/channels/${f.channelId}/messages`, { token: f.owner.token });
      expect(history.body.map((m: { id: string }) => m.id)).toEqual([sent.body.id]);
    } finally {
      await failing.close();
    }
  });
});

describe('slowmode', () => {
  it('answers 429 code 20016 with retry_after inside rate_limit_per_user, except for MANAGE_MESSAGES holders', async () => {
    const api = await startRestHarness();
    try {
      const fx = await guildFixture(api);
      await api.call('PATCH', `/channels/${fx.channelId}`, { token: fx.owner.token, body: { rate_limit_per_user: 10 } });
      const path = `/channels/${fx.channelId}/messages`;
      expect((await api.call('POST', path, { token: fx.member.token, body: { content: 'one' } })).status).toBe(200);
      api.clock.now += 4000;
      const slowed = await api.call('POST', path, { token: fx.member.token, body: { content: 'two' } });
      expect(slowed.status).toBe(429);
      expect(slowed.body).toEqual({ code: 20016, message: 'This action cannot be performed due to slowmode rate limit.', retry_after: 6, global: false });
      expect((await api.call('POST', path, { token: fx.owner.token, body: { content: 'owner 1' } })).status).toBe(200);
      expect((await api.call('POST', path, { token: fx.owner.token, body: { content: 'owner 2' } })).status).toBe(200);
      api.clock.now += 6000;
      expect((await api.call('POST', path, { token: fx.member.token, body: { content: 'three' } })).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
