import { afterEach, describe, expect, it } from 'vitest';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

let api: RestHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A user with a guild and its default channel, and a message in it. */
async function setup(harness: RestHarness) {
  const alice = await harness.user('alice');
  const guild = await harness.call('POST', '/guilds', { token: alice.token, body: { name: 'Acks' } });
  const channelId = (await harness.call('GET', `/guilds/${guild.body.id}/channels`, { token: alice.token })).body[0].id as string;
  const message = await harness.call('POST', `/channels/${channelId}/messages`, { token: alice.token, body: { content: 'hi' } });
  return { alice, channelId, messageId: message.body.id as string };
}

describe('POST /channels/{id}/messages/{id}/ack', () => {
  it('acks for the caller and answers {token: null}; a manual ack carries its mention count', async () => {
    api = await startRestHarness();
    const { alice, channelId, messageId } = await setup(api);
    expect(await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: alice.token, body: { token: null } })).toMatchObject({ status: 200, body: { token: null } });
    expect(await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: alice.token, body: { manual: true, mention_count: 2 } })).toMatchObject({ status: 200 });
    expect(api.acks).toEqual([
      { userId: alice.id, channelId, messageId },
      { userId: alice.id, channelId, messageId, mentionCount: 2 },
    ]);
  });

  it('refuses bad ids (50035), channels the caller cannot see (50001 / 10003), bad bodies (50035) and bots (20001)', async () => {
    api = await startRestHarness();
    const { alice, channelId, messageId } = await setup(api);
    const bob = await api.user('bob');
    expect((await api.call('POST', `/channels/${channelId}/messages/x/ack`, { token: bob.token })).body.code).toBe(50035);
    expect((await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: bob.token })).body.code).toBe(50001);
    expect((await api.call('POST', `/channels/1/messages/${messageId}/ack`, { token: bob.token })).body.code).toBe(10003);
    expect((await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: alice.token, body: { mention_count: -1 } })).body.code).toBe(50035);
    const app = await api.call('POST', '/applications', { token: alice.token, body: { name: 'Helper' } });
    const bot = await api.call('POST', `/applications/${app.body.id}/bot`, { token: alice.token });
    expect((await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: bot.body.token, bot: true })).body.code).toBe(20001);
    expect(api.acks).toEqual([]);
  });

  it('answers 503 with a Discord error when the node has no read-states service', async () => {
    api = await startRestHarness({ withoutReadStates: true });
    const { alice, channelId, messageId } = await setup(api);
    expect(await api.call('POST', `/channels/${channelId}/messages/${messageId}/ack`, { token: alice.token })).toMatchObject({ status: 503, body: { code: 0, message: 'Read states are not available on this node' } });
  });
});
