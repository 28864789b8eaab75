import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { botInGuild, guildFixture, type BotFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

describe('interactions', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  let app: BotFixture;
  let echo: { id: string; version: string };
  const asBot = (body?: unknown) => ({ token: app.bot.token, bot: true, ...(body === undefined ? {} : { body }) });

  beforeEach(async () => {
    api = await startRestHarness({ interactionDeadlineMs: 400 });
    fx = await guildFixture(api);
    app = await botInGuild(api, fx);
    echo = (
      await api.call('POST', `/applications/${app.appId}/guilds/${fx.guildId}/commands`, asBot({
        name: 'echo',
        description: 'Echoes',
        options: [{ type: 3, name: 'text', description: 'what', required: true }, { type: 6, name: 'who', description: 'someone' }, { type: 3, name: 'colour', description: 'pick', autocomplete: true }],
      }))
    ).body;
  });
  afterEach(async () => {
    await api.close();
  });

  const invoke = (options: unknown[], extra: object = {}, token = fx.member.token) =>
    api.call('POST', '/interactions', { token, body: { type: 2, application_id: app.appId, guild_id: fx.guildId, channel_id: fx.channelId, nonce: 'n1', data: { id: echo.id, name: 'echo', type: 1, version: echo.version, options }, ...extra } });
  const delivered = () => {
    const toBot = api.ofType('INTERACTION_CREATE').filter((d) => 'userIds' in d.target && d.target.userIds.includes(app.bot.id));
    return toBot[toBot.length - 1]!;
  };
  const toUser = (type: string) => api.ofType(type).filter((d) => 'userIds' in d.target && d.target.userIds.includes(fx.member.id));

  it('delivers a command with resolved options to the bot on the guild shard, and a reply becomes the original response', async () => {
    const invoked = await invoke([{ type: 3, name: 'text', value: 'hi' }, { type: 6, name: 'who', value: fx.owner.id }], { session_id: 'abc123' });
    expect(invoked.status, JSON.stringify(invoked.body)).toBe(204);
    const sent = delivered();
    expect(sent.dispatch.shardGuildId).toBe(fx.guildId);
    const interaction = sent.payload as any;
    expect(interaction).toMatchObject({
      type: 2,
      application_id: app.appId,
      guild_id: fx.guildId,
      channel_id: fx.channelId,
      channel: { id: fx.channelId },
      member: { user: { id: fx.member.id } },
      entitlements: [],
      authorizing_integration_owners: { '0': fx.guildId },
      data: { id: echo.id, name: 'echo', type: 1, options: [{ name: 'text', type: 3, value: 'hi' }, { name: 'who', type: 6, value: fx.owner.id }], resolved: { users: { [fx.owner.id]: { id: fx.owner.id } }, members: { [fx.owner.id]: { roles: [] } } } },
    });
    expect(typeof interaction.token).toBe('string');
    expect(toUser('INTERACTION_CREATE')[0]?.payload).toEqual({ id: interaction.id, nonce: 'n1' });

    const reply = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback?with_response=true`, { body: { type: 4, data: { content: 'hi back', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Again', custom_id: 'again' }] }] } } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ interaction: { id: interaction.id, type: 2, response_message_loading: false, response_message_ephemeral: false }, resource: { type: 4, message: { content: 'hi back', type: 20, author: { id: app.bot.id }, webhook_id: app.appId, application_id: app.appId, interaction_metadata: { id: interaction.id, type: 2, user: { id: fx.member.id } } } } });
    expect(toUser('INTERACTION_SUCCESS')[0]?.payload).toEqual({ id: interaction.id, nonce: 'n1' });
    expect(toUser('INTERACTION_SUCCESS')[0]?.dispatch.sessionIds).toEqual(['abc123']);
    const original = await api.call('GET', `/webhooks/${app.appId}/${interaction.token as string}/messages/@original`);
    expect(original.body).toMatchObject({ id: reply.body.resource.message.id, content: 'hi back' });

    const second = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback`, { body: { type: 4, data: { content: 'again' } } });
    expect([second.status, second.body.code]).toEqual([400, 40060]);
    await sleep(600);
    expect(toUser('INTERACTION_FAILURE')).toEqual([]);
  });

  it('defers, edits the original, follows up, and answers ephemerally to the invoker alone', async () => {
    await invoke([{ type: 3, name: 'text', value: 'x' }]);
    const interaction = delivered().payload as any;
    const base = `/webhooks/${app.appId}/${interaction.token as string}`;
    expect((await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback`, { body: { type: 5 } })).status).toBe(204);
    const loading = (await api.call('GET', `${base}/messages/@original`)).body;
    expect(loading.flags & 128).toBe(128);
    const edited = await api.call('PATCH', `${base}/messages/@original`, { body: { content: 'done thinking' } });
    expect(edited.body).toMatchObject({ id: loading.id, content: 'done thinking' });
    expect(edited.body.flags & 128).toBe(0);
    const followup = await api.call('POST', base, { body: { content: 'and more' } });
    expect(followup.body).toMatchObject({ content: 'and more', interaction_metadata: { original_response_message_id: loading.id } });
    const secret = await api.call('POST', base, { body: { content: 'just you', flags: 64 } });
    expect(secret.body.flags & 64).toBe(64);
    const created = api.ofType('MESSAGE_CREATE').filter((d) => (d.payload as any).id === secret.body.id);
    expect(created.map((d) => d.target)).toEqual([{ userIds: [fx.member.id] }]);
    const history = await api.call('GET', `/channels/${fx.channelId}/messages`, { token: fx.owner.token });
    expect(history.body.some((m: { id: string }) => m.id === secret.body.id)).toBe(false);
    expect((await api.call('PATCH', `${base}/messages/${secret.body.id as string}`, { body: { content: 'still just you' } })).body.content).toBe('still just you');
    expect((await api.call('DELETE', `${base}/messages/${secret.body.id as string}`)).status).toBe(204);
    expect((await api.call('GET', `${base}/messages/${secret.body.id as string}`)).body.code).toBe(10008);
    expect((await api.call('DELETE', `${base}/messages/@original`)).status).toBe(204);
  });

  it('answers INTERACTION_FAILURE when the bot is silent past the deadline, and a late callback gets 10062', async () => {
    await invoke([{ type: 3, name: 'text', value: 'x' }]);
    const interaction = delivered().payload as any;
    await sleep(700);
    expect(toUser('INTERACTION_FAILURE')[0]?.payload).toMatchObject({ id: interaction.id, nonce: 'n1' });
    const late = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback`, { body: { type: 4, data: { content: 'late' } } });
    expect([late.status, late.body.code]).toEqual([404, 10062]);
  });

  it('refuses unknown tokens, a wrong id, bad callbacks (leaving the interaction pending), and forgets tokens after 15 minutes', async () => {
    await invoke([{ type: 3, name: 'text', value: 'x' }]);
    const interaction = delivered().payload as any;
    const url = `/interactions/${interaction.id as string}/${interaction.token as string}/callback`;
    expect((await api.call('POST', `/interactions/${interaction.id as string}/not-the-token/callback`, { body: { type: 4, data: { content: 'x' } } })).body.code).toBe(10062);
    expect((await api.call('POST', `/interactions/123/${interaction.token as string}/callback`, { body: { type: 4, data: { content: 'x' } } })).body.code).toBe(10062);
    const badType = await api.call('POST', url, { body: { type: 7, data: { content: 'x' } } });
    expect([badType.status, badType.body.code]).toEqual([400, 50035]);
    const badData = await api.call('POST', url, { body: { type: 4, data: { content: 'x'.repeat(2001) } } });
    expect(badData.body.errors.data.content._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const badComponents = await api.call('POST', url, { body: { type: 4, data: { components: [{ type: 1, components: [] }] } } });
    expect(badComponents.body.code).toBe(50035);
    const good = await api.call('POST', url, { body: { type: 4, data: { content: 'fine' } } });
    expect(good.status).toBe(204);
    api.clock.now += 16 * 60 * 1000;
    expect((await api.call('GET', `/webhooks/${app.appId}/${interaction.token as string}/messages/@original`)).body.code).toBe(10015);
  });

  it('checks who may invoke: permissions, unknown commands, bad options', async () => {
    const noPerm = await api.call('POST', `/applications/${app.appId}/guilds/${fx.guildId}/commands`, asBot({ name: 'admin', description: 'x', default_member_permissions: '8' }));
    const denied = await api.call('POST', '/interactions', { token: fx.member.token, body: { type: 2, application_id: app.appId, channel_id: fx.channelId, data: { id: noPerm.body.id, name: 'admin', type: 1 } } });
    expect([denied.status, denied.body.code]).toEqual([403, 50013]);
    const unknown = await invoke([], { data: { id: '12345', name: 'echo', type: 1 } });
    expect(unknown.body.code).toBe(10063);
    expect((await invoke([])).body.errors.data.options._errors[0].code).toBe('APPLICATION_COMMAND_OPTION_REQUIRED');
    expect((await invoke([{ type: 4, name: 'text', value: 3 }])).body.errors.data.options[0].name._errors[0].code).toBe('APPLICATION_COMMAND_OPTION_UNKNOWN');
    expect((await invoke([{ type: 3, name: 'text', value: 'x' }, { type: 6, name: 'who', value: '999' }])).body.errors.data.options[1].value._errors[0].code).toBe('APPLICATION_COMMAND_OPTION_USER_UNKNOWN');
    const byBot = await api.call('POST', '/interactions', { token: app.bot.token, bot: true, body: {} });
    expect(byBot.body.code).toBe(20001);
    const outsider = await api.user('outsider');
    const outside = await invoke([{ type: 3, name: 'text', value: 'x' }], {}, outsider.token);
    expect(outside.body.code).toBe(50001);
    expect(api.ofType('INTERACTION_CREATE')).toEqual([]);
  });

  it('autocomplete: the focused option goes to the bot and its choices to the user', async () => {
    await invoke([{ type: 3, name: 'colour', value: 're', focused: true }], { type: 4 });
    const interaction = delivered().payload as any;
    expect(interaction.type).toBe(4);
    expect(interaction.data.options).toEqual([{ type: 3, name: 'colour', value: 're', focused: true }]);
    const answer = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback`, { body: { type: 8, data: { choices: [{ name: 'Red', value: 'red' }] } } });
    expect(answer.status).toBe(204);
    expect(toUser('APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE')[0]?.payload).toEqual({ nonce: 'n1', choices: [{ name: 'Red', value: 'red' }] });
  });

  it('a button click is a component interaction; UPDATE_MESSAGE edits that message; a modal opens and its submission arrives', async () => {
    const message = (await api.call('POST', `/channels/${fx.channelId}/messages`, asBot({ content: 'press', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }, { type: 2, style: 2, label: 'Off', custom_id: 'off', disabled: true }] }] }))).body;
    const click = (custom_id: string) => api.call('POST', '/interactions', { token: fx.member.token, body: { type: 3, application_id: app.appId, guild_id: fx.guildId, channel_id: fx.channelId, message_id: message.id, nonce: 'c1', data: { component_type: 2, custom_id } } });
    expect((await click('off')).body.errors.data.custom_id._errors[0].code).toBe('COMPONENT_DISABLED');
    expect((await click('nope')).body.errors.data.custom_id._errors[0].code).toBe('COMPONENT_UNKNOWN');
    expect((await click('go')).status).toBe(204);
    const interaction = delivered().payload as any;
    expect(interaction).toMatchObject({ type: 3, data: { custom_id: 'go', component_type: 2 }, message: { id: message.id } });
    const updated = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback?with_response=true`, { body: { type: 7, data: { content: 'pressed', components: [] } } });
    expect(updated.body.resource.message).toMatchObject({ id: message.id, content: 'pressed', components: [] });

    const message2 = (await api.call('POST', `/channels/${fx.channelId}/messages`, asBot({ content: 'form', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Form', custom_id: 'form' }] }] }))).body;
    await api.call('POST', '/interactions', { token: fx.member.token, body: { type: 3, application_id: app.appId, channel_id: fx.channelId, message_id: message2.id, data: { component_type: 2, custom_id: 'form' } } });
    const opened = delivered().payload as any;
    const modal = { custom_id: 'feedback', title: 'Feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', style: 2, label: 'Say', min_length: 2, required: true }] }] };
    expect((await api.call('POST', `/interactions/${opened.id as string}/${opened.token as string}/callback`, { body: { type: 9, data: modal } })).status).toBe(204);
    expect(toUser('INTERACTION_MODAL_CREATE')[0]?.payload).toMatchObject({ id: opened.id, custom_id: 'feedback', title: 'Feedback' });
    const submit = (value: string) => api.call('POST', '/interactions', { token: fx.member.token, body: { type: 5, application_id: app.appId, channel_id: fx.channelId, data: { custom_id: 'feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value }] }] } } });
    expect((await submit('a')).body.code).toBe(50035);
    const ok = await submit('great');
    expect(ok.status, JSON.stringify(ok.body)).toBe(204);
    const submitted = delivered().payload as any;
    expect(submitted).toMatchObject({ type: 5, data: { custom_id: 'feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value: 'great' }] }] }, message: { id: message2.id } });
    expect((await submit('again')).body.code).toBe(10062);
  });

  it("runs a global command in a DM with the bot (context BOT_DM), not a guild command or one limited to guilds", async () => {
    const dm = (await api.call('POST', '/users/@me/channels', { token: fx.member.token, body: { recipient_id: app.bot.id } })).body;
    const anywhere = (await api.call('POST', `/applications/${app.appId}/commands`, asBot({ name: 'hello', description: 'Hi', contexts: [0, 1] }))).body;
    const guildOnly = (await api.call('POST', `/applications/${app.appId}/commands`, asBot({ name: 'server', description: 'Guilds', contexts: [0] }))).body;
    const run = (command: { id: string; name: string }) => api.call('POST', '/interactions', { token: fx.member.token, body: { type: 2, application_id: app.appId, channel_id: dm.id, nonce: 'dm', data: { id: command.id, name: command.name, type: 1 } } });
    expect((await run(anywhere)).status).toBe(204);
    const interaction = delivered().payload as any;
    expect(interaction).toMatchObject({ context: 1, channel_id: dm.id, user: { id: fx.member.id }, authorizing_integration_owners: { '1': fx.member.id } });
    expect(interaction.guild_id).toBeUndefined();
    expect(delivered().dispatch.shardGuildId).toBeUndefined();
    const reply = await api.call('POST', `/interactions/${interaction.id as string}/${interaction.token as string}/callback?with_response=true`, { body: { type: 4, data: { content: 'hi in DM' } } });
    expect(reply.body.resource.message).toMatchObject({ channel_id: dm.id, content: 'hi in DM' });
    expect((await run(guildOnly)).body.code).toBe(10063);
    expect((await run({ id: echo.id, name: 'echo' })).body.code).toBe(10063);
  });
});
