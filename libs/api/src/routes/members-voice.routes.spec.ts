import { ConflictError, ForbiddenError } from '@chat/errors';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestVoice } from '../rest-deps';
import { guildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

type ModerateInput = Parameters<RestVoice['moderate']>[0];

/** A guild service stand-in: the owner may moderate; only users in `inVoice` are connected. */
function fakeVoice(ownerId: () => string) {
  const calls: ModerateInput[] = [];
  const inVoice = new Set<string>();
  const voice: RestVoice = {
    async moderate(input) {
      calls.push(input);
      if (!inVoice.has(input.userId)) throw new ConflictError('Target user is not connected to voice');
      if (input.actorUserId !== ownerId()) throw new ForbiddenError('lacks MUTE_MEMBERS');
    },
  };
  return { calls, inVoice, voice };
}

describe('PATCH /guilds/{id}/members/{id}: mute, deaf, channel_id (voice moderation)', () => {
  let api: RestHarness | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('maps mute, deaf, channel_id and channel_id null to ModerateVoiceState; keeps mute and deaf on the member', async () => {
    let owner = '';
    const fake = fakeVoice(() => owner);
    api = await startRestHarness({ voice: fake.voice });
    const fx = await guildFixture(api);
    owner = fx.owner.id;
    fake.inVoice.add(fx.member.id);
    const path = `/guilds/${fx.guildId}/members/${fx.member.id}`;

    const muted = await api.call('PATCH', path, { token: fx.owner.token, body: { mute: true, deaf: true } });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({ user: { id: fx.member.id }, mute: true, deaf: true });
    expect(fake.calls[0]).toEqual({ guildId: fx.guildId, userId: fx.member.id, actorUserId: fx.owner.id, disconnect: false, mute: true, deaf: true });
    expect(api.ofType('GUILD_MEMBER_UPDATE').at(-1)?.payload).toMatchObject({ mute: true, deaf: true });

    const channelId = '399999999999999999';
    expect((await api.call('PATCH', path, { token: fx.owner.token, body: { channel_id: channelId } })).status).toBe(200);
    expect(fake.calls[1]).toEqual({ guildId: fx.guildId, userId: fx.member.id, actorUserId: fx.owner.id, disconnect: false, channelId });
    expect((await api.call('PATCH', path, { token: fx.owner.token, body: { channel_id: null } })).status).toBe(200);
    expect(fake.calls[2]).toEqual({ guildId: fx.guildId, userId: fx.member.id, actorUserId: fx.owner.id, disconnect: true });
  });

  it('answers 40032 for a member not in voice, 50013 without the permission, 50035 for a bad channel_id; a nick-only PATCH never calls voice', async () => {
    let owner = '';
    const fake = fakeVoice(() => owner);
    api = await startRestHarness({ voice: fake.voice });
    const fx = await guildFixture(api);
    owner = fx.owner.id;
    const notConnected = await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token, body: { mute: true } });
    expect(notConnected.status).toBe(400);
    expect(notConnected.body).toEqual({ code: 40032, message: 'Target user is not connected to voice.' });
    fake.inVoice.add(fx.owner.id);
    const forbidden = await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.owner.id}`, { token: fx.member.token, body: { deaf: true } });
    expect(forbidden.body.code).toBe(50013);
    const bad = await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.owner.id}`, { token: fx.owner.token, body: { channel_id: 42 } });
    expect(bad.body.code).toBe(50035);
    expect(fake.calls).toHaveLength(2);
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/members/@me`, { token: fx.member.token, body: { nick: 'n' } })).status).toBe(200);
    expect(fake.calls).toHaveLength(2);
  });

  it('without a voice service every voice field answers 40032', async () => {
    api = await startRestHarness();
    const fx = await guildFixture(api);
    const response = await api.call('PATCH', `/guilds/${fx.guildId}/members/${fx.member.id}`, { token: fx.owner.token, body: { channel_id: null } });
    expect(response.body).toEqual({ code: 40032, message: 'Target user is not connected to voice.' });
  });
});
