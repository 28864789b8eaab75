import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('polls', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  const poll = (extra: Record<string, unknown> = {}) => ({ question: { text: 'Lunch?' }, answers: [{ poll_media: { text: 'Pizza', emoji: { name: '🍕' } } }, { poll_media: { text: 'Soup' } }, { poll_media: { text: 'Both' } }], duration: 2, ...extra });
  const create = async (body: unknown = { poll: poll() }) => api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body });
  const votePath = (messageId: string, answer: number) => `/channels/${fx.channelId}/polls/${messageId}/answers/${answer}/@me`;
  const read = async (messageId: string, token: string) => (await api.call('GET', `/channels/${fx.channelId}/messages/${messageId}`, { token })).body.poll;

  it('creates a poll with answer ids and an expiry, counts votes with me_voted, and moves a single-choice vote', async () => {
    const made = await create();
    expect(made.status).toBe(200);
    expect(made.body.poll).toMatchObject({
      question: { text: 'Lunch?' },
      answers: [{ answer_id: 1, poll_media: { text: 'Pizza', emoji: { id: null, name: '🍕' } } }, { answer_id: 2, poll_media: { text: 'Soup' } }, { answer_id: 3 }],
      allow_multiselect: false,
      layout_type: 1,
      results: { is_finalized: false, answer_counts: [] },
    });
    expect(Date.parse(made.body.poll.expiry) - api.clock.now).toBe(2 * 60 * 60 * 1000);
    const id = made.body.id as string;
    expect((await api.call('PUT', votePath(id, 1), { token: fx.member.token })).status).toBe(204);
    expect((await api.call('PUT', votePath(id, 2), { token: fx.owner.token })).status).toBe(204);
    expect(api.ofType('MESSAGE_POLL_VOTE_ADD').map((d) => d.payload)).toEqual([
      { user_id: fx.member.id, channel_id: fx.channelId, message_id: id, guild_id: fx.guildId, answer_id: 1 },
      { user_id: fx.owner.id, channel_id: fx.channelId, message_id: id, guild_id: fx.guildId, answer_id: 2 },
    ]);
    expect((await read(id, fx.member.token)).results.answer_counts).toEqual([{ id: 1, count: 1, me_voted: true }, { id: 2, count: 1, me_voted: false }]);
    // Single choice: voting 2 takes the vote off 1.
    await api.call('PUT', votePath(id, 2), { token: fx.member.token });
    expect(api.ofType('MESSAGE_POLL_VOTE_REMOVE').map((d) => d.payload.answer_id)).toEqual([1]);
    expect((await read(id, fx.member.token)).results.answer_counts).toEqual([{ id: 2, count: 2, me_voted: true }]);
    const voters = await api.call('GET', `/channels/${fx.channelId}/polls/${id}/answers/2`, { token: fx.member.token });
    expect(voters.body.users.map((u: { id: string }) => u.id).sort()).toEqual([fx.owner.id, fx.member.id].sort());
    expect((await api.call('DELETE', votePath(id, 2), { token: fx.member.token })).status).toBe(204);
    expect((await read(id, fx.owner.token)).results.answer_counts).toEqual([{ id: 2, count: 1, me_voted: true }]);
    // Votes are not reactions.
    expect((await api.call('GET', `/channels/${fx.channelId}/messages/${id}`, { token: fx.owner.token })).body.reactions).toBeUndefined();
  });

  it('keeps several votes with multiselect', async () => {
    const id = (await create({ poll: poll({ allow_multiselect: true }) })).body.id as string;
    await api.call('PUT', votePath(id, 1), { token: fx.member.token });
    await api.call('PUT', votePath(id, 3), { token: fx.member.token });
    expect((await read(id, fx.member.token)).results.answer_counts).toEqual([{ id: 1, count: 1, me_voted: true }, { id: 3, count: 1, me_voted: true }]);
  });

  it('ends early for its author: final results, the type 46 notice, and no more votes (520001)', async () => {
    const id = (await create()).body.id as string;
    await api.call('PUT', votePath(id, 3), { token: fx.member.token });
    expect((await api.call('POST', `/channels/${fx.channelId}/polls/${id}/expire`, { token: fx.member.token })).body.code).toBe(50013);
    api.dispatches.length = 0;
    const ended = await api.call('POST', `/channels/${fx.channelId}/polls/${id}/expire`, { token: fx.owner.token });
    expect(ended.body.poll.results).toEqual({ is_finalized: true, answer_counts: [{ id: 3, count: 1, me_voted: false }] });
    expect(ended.body.edited_timestamp).toBeNull();
    expect((api.ofType('MESSAGE_UPDATE')[0]?.payload as any).poll.results.is_finalized).toBe(true);
    const notice = api.ofType('MESSAGE_CREATE')[0]?.payload as any;
    expect(notice).toMatchObject({ type: 46, message_reference: { message_id: id } });
    expect(notice.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'victor_answer_text', value: 'Both', inline: false }, { name: 'total_votes', value: '1', inline: false }]));
    const late = await api.call('PUT', votePath(id, 1), { token: fx.owner.token });
    expect([late.status, late.body.code]).toEqual([400, 520001]);
    expect((await api.call('POST', `/channels/${fx.channelId}/polls/${id}/expire`, { token: fx.owner.token })).body.code).toBe(520001);
  });

  it('expires by time: results final, the ending job posts the notice once; bad polls, answers and non-poll messages are refused', async () => {
    const id = (await create()).body.id as string;
    await api.call('PUT', votePath(id, 2), { token: fx.member.token });
    expect(await api.endDuePolls()).toEqual({ checked: 0, ended: 0 });
    api.clock.now += 2 * 60 * 60 * 1000 + 1;
    expect((await read(id, fx.owner.token)).results.is_finalized).toBe(true);
    api.dispatches.length = 0;
    expect(await api.endDuePolls()).toEqual({ checked: 1, ended: 1 });
    expect(await api.endDuePolls()).toEqual({ checked: 0, ended: 0 });
    expect((api.ofType('MESSAGE_UPDATE')[0]?.payload as any).poll.results).toEqual({ is_finalized: true, answer_counts: [{ id: 2, count: 1, me_voted: false }] });
    expect(api.ofType('MESSAGE_CREATE').map((d) => (d.payload as any).type)).toEqual([46]);
    expect((await api.call('POST', `/channels/${fx.channelId}/polls/${id}/expire`, { token: fx.owner.token })).body.code).toBe(520001);
    expect((await api.call('PUT', votePath(id, 1), { token: fx.member.token })).body.code).toBe(520001);
    const fresh = (await create()).body.id as string;
    expect((await api.call('PUT', votePath(fresh, 9), { token: fx.member.token })).body.errors.answer_id._errors[0].code).toBe('POLL_ANSWER_INVALID');
    const plain = (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body: { content: 'no poll' } })).body.id as string;
    expect((await api.call('PUT', votePath(plain, 1), { token: fx.member.token })).body.code).toBe(520006);
    expect((await create({ poll: { question: { text: 'no answers' }, answers: [] } })).body.errors.poll.answers._errors[0].code).toBeDefined();
    expect((await create({ poll: poll({ duration: 769 }) })).body.errors.poll.duration._errors[0].code).toBe('NUMBER_TYPE_MAX');
    expect((await create({ poll: { ...poll(), answers: Array.from({ length: 11 }, (_, i) => ({ poll_media: { text: `a${i}` } })) } })).body.code).toBe(50035);
    expect((await create({ poll: { ...poll(), question: { text: 'x', style: 'bold' } } })).body.code).toBe(50035);
    expect((await create({ poll: { ...poll(), answers: [{ poll_media: { text: 'a', emoji: { name: 'pizza' } } }] } })).body.errors.poll.answers['0'].poll_media.emoji._errors[0].code as string).toBe('POLL_EMOJI_INVALID');
    expect((await create({ poll: { ...poll(), answers: [{ poll_media: { text: 'a', emoji: { id: '123' } } }] } })).body.errors.poll.answers['0'].poll_media.emoji._errors[0].code).toBe('POLL_EMOJI_INVALID');
  });
});
