import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botInGuild, guildFixture, type BotFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

const row = (...components: unknown[]) => ({ type: 1, components });
const button = (custom_id: string, extra: object = {}) => ({ type: 2, style: 1, label: custom_id, custom_id, ...extra });

describe('message components', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  let app: BotFixture;
  const send = (body: unknown, token = app.bot.token, bot = true) => api.call('POST', `/channels/${fx.channelId}/messages`, { token, bot, body });
  const errorsOf = async (body: unknown) => {
    const answer = await send(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.code).toBe(50035);
    return answer.body.errors;
  };

  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
    app = await botInGuild(api, fx);
  });
  afterEach(async () => {
    await api.close();
  });

  it('a bot sends rows of buttons and a select; every field comes back, in the answer, the event and history', async () => {
    const components = [
      row(button('yes', { emoji: { name: '👍' } }), button('no', { style: 4, disabled: true }), { type: 2, style: 5, label: 'Docs', url: 'https://example.com' }),
      row({ type: 3, custom_id: 'colour', placeholder: 'Colour', min_values: 1, max_values: 2, options: [{ label: 'Red', value: 'red', default: true }, { label: 'Blue', value: 'blue', description: 'cool' }] }),
      row({ type: 5, custom_id: 'who', default_values: [{ id: fx.member.id, type: 'user' }] }),
    ];
    const sent = await send({ components });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.components).toMatchObject(components);
    // As Discord: every component numbered through the tree, a select's bounds filled in.
    expect(sent.body.components.map((r: { id: number; components: { id: number }[] }) => [r.id, ...r.components.map((c) => c.id)])).toEqual([[1, 2, 3, 4], [5, 6], [7, 8]]);
    expect(sent.body.components[2].components[0]).toMatchObject({ min_values: 1, max_values: 1 });
    expect(sent.body.content).toBe('');
    expect(api.ofType('MESSAGE_CREATE')[0]?.payload.components).toEqual(sent.body.components);
    const history = await api.call('GET', `/channels/${fx.channelId}/messages?limit=1`, { token: fx.member.token });
    expect(history.body[0].components).toEqual(sent.body.components);
  });

  it('edits components and removes them with an empty list; a message left empty is refused', async () => {
    const sent = await send({ content: 'pick', components: [row(button('a'))] });
    const url = `/channels/${fx.channelId}/messages/${sent.body.id as string}`;
    const edited = await api.call('PATCH', url, { token: app.bot.token, bot: true, body: { components: [row(button('b'), button('c'))] } });
    expect(edited.body.components).toMatchObject([row(button('b'), button('c'))]);
    expect(api.ofType('MESSAGE_UPDATE')[0]?.payload.components).toEqual(edited.body.components);
    const numbered = await api.call('PATCH', url, { token: app.bot.token, bot: true, body: { components: [{ ...row(button('d', { id: 1 })), id: 1 }] } });
    expect(numbered.body.errors.components[0].components[0].id._errors[0].code).toBe('COMPONENT_ID_DUPLICATED');
    const cleared = await api.call('PATCH', url, { token: app.bot.token, bot: true, body: { components: [] } });
    expect(cleared.body.components).toEqual([]);
    const onlyButtons = await send({ components: [row(button('x'))] });
    const emptied = await api.call('PATCH', `/channels/${fx.channelId}/messages/${onlyButtons.body.id as string}`, { token: app.bot.token, bot: true, body: { components: [] } });
    expect(emptied.body.code).toBe(50006);
  });

  it('refuses components from a user account', async () => {
    const answer = await send({ content: 'hi', components: [row(button('a'))] }, fx.member.token, false);
    expect(answer.body.errors.components._errors[0].code).toBe('COMPONENT_INVALID_SENDER');
  });

  it('answers malformed trees with 50035 at the field', async () => {
    expect((await errorsOf({ components: [row(button('a'), button('a'))] })).components[0].components[1].custom_id._errors[0].code).toBe('COMPONENT_CUSTOM_ID_DUPLICATED');
    expect((await errorsOf({ components: [row({ type: 2, style: 5, label: 'x', url: 'https://e.com', custom_id: 'x' })] })).components[0].components[0].custom_id._errors[0].code).toBe('BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED');
    expect((await errorsOf({ components: [row({ type: 2, style: 1, label: 'x' })] })).components[0].components[0].custom_id._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect((await errorsOf({ components: [row({ type: 2, style: 1, custom_id: 'x' })] })).components[0].components[0].label._errors[0].code).toBe('BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED');
    expect((await errorsOf({ components: [row(button('a'), { type: 3, custom_id: 's', options: [{ label: 'l', value: 'v' }] })] })).components[0].components._errors[0].code).toBe('COMPONENT_LAYOUT_WIDTH_EXCEEDED');
    expect((await errorsOf({ components: Array.from({ length: 6 }, (_, i) => row(button(`b${i}`))) })).components._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect((await errorsOf({ components: [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))] })).components[0].components._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect((await errorsOf({ components: [row()] })).components[0].components._errors[0].code).toBe('BASE_TYPE_MIN_LENGTH');
    expect((await errorsOf({ components: [row({ type: 4, custom_id: 't', style: 1, label: 'text' })] })).components[0].components[0]).toBeDefined();
    expect((await errorsOf({ components: [{ type: 10, content: 'v2 text display' }] })).components[0]).toBeDefined();
    expect((await errorsOf({ components: [row(button('a', { colour: 'red' }))] })).components[0].components[0]._errors[0].code).toBe('BASE_TYPE_INVALID');
    const history = await api.call('GET', `/channels/${fx.channelId}/messages?limit=5`, { token: fx.member.token });
    expect(history.body).toEqual([]);
  });
});
