import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botInGuild, guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

const ping = { name: 'ping', description: 'Replies with pong' };

describe('application command routes', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  let appId: string;
  let bot: { token: string; id: string };
  const asBot = (body?: unknown) => ({ token: bot.token, bot: true, ...(body === undefined ? {} : { body }) });

  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
    ({ appId, bot } = await botInGuild(api, fx));
  });
  afterEach(async () => {
    await api.close();
  });

  it('creates a global command (201), overwrites it by name (200, same id, new version), lists, reads, edits and deletes it', async () => {
    const first = await api.call('POST', `/applications/${appId}/commands`, asBot(ping));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ application_id: appId, type: 1, name: 'ping', description: 'Replies with pong', default_member_permissions: null, dm_permission: true, nsfw: false, integration_types: [0], contexts: null });
    expect(first.body.guild_id).toBeUndefined();
    const again = await api.call('POST', `/applications/${appId}/commands`, asBot({ ...ping, description: 'Pong!' }));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.version).not.toBe(first.body.version);
    const list = await api.call('GET', `/applications/${appId}/commands`, asBot());
    expect(list.body).toHaveLength(1);
    const edited = await api.call('PATCH', `/applications/${appId}/commands/${first.body.id as string}`, asBot({ name: 'pong', default_member_permissions: '8' }));
    expect(edited.body).toMatchObject({ id: first.body.id, name: 'pong', description: 'Pong!', default_member_permissions: '8' });
    expect((await api.call('GET', `/applications/${appId}/commands/${first.body.id as string}`, asBot())).body.name).toBe('pong');
    expect((await api.call('DELETE', `/applications/${appId}/commands/${first.body.id as string}`, asBot())).status).toBe(204);
    const gone = await api.call('GET', `/applications/${appId}/commands/${first.body.id as string}`, asBot());
    expect([gone.status, gone.body.code]).toEqual([404, 10063]);
  });

  it('bulk-overwrites: keeps ids by name, deletes what is left out, adds the new ones', async () => {
    const keep = (await api.call('POST', `/applications/${appId}/commands`, asBot(ping))).body;
    const drop = (await api.call('POST', `/applications/${appId}/commands`, asBot({ name: 'old', description: 'goes away' }))).body;
    const put = await api.call('PUT', `/applications/${appId}/commands`, asBot([ping, { name: 'Report', type: 3 }, { name: 'Profile', type: 2 }]));
    expect(put.status).toBe(200);
    expect(put.body.map((c: { name: string }) => c.name).sort()).toEqual(['Profile', 'Report', 'ping']);
    expect(put.body.find((c: { name: string }) => c.name === 'ping')).toMatchObject({ id: keep.id, version: keep.version });
    expect(put.body.some((c: { id: string }) => c.id === drop.id)).toBe(false);
    expect((await api.call('GET', `/applications/${appId}/commands`, asBot())).body).toHaveLength(3);
    const unknownId = await api.call('PUT', `/applications/${appId}/commands`, asBot([{ ...ping, id: '123' }]));
    expect(unknownId.body.errors[0].id._errors[0].code).toBe('APPLICATION_COMMAND_UNKNOWN');
    expect((await api.call('PUT', `/applications/${appId}/commands`, asBot([]))).body).toEqual([]);
  });

  it('keeps guild commands per guild, only where the bot is, and apart from global ones', async () => {
    const guildCommand = await api.call('POST', `/applications/${appId}/guilds/${fx.guildId}/commands`, asBot({ ...ping, options: [{ type: 3, name: 'text', description: 'what to echo', required: true, min_length: 1, max_length: 50 }] }));
    expect(guildCommand.status).toBe(201);
    expect(guildCommand.body).toMatchObject({ guild_id: fx.guildId, options: [{ type: 3, name: 'text', required: true, min_length: 1, max_length: 50 }] });
    expect((await api.call('GET', `/applications/${appId}/commands`, asBot())).body).toEqual([]);
    expect((await api.call('GET', `/applications/${appId}/guilds/${fx.guildId}/commands`, asBot())).body).toHaveLength(1);
    const other = (await api.call('POST', '/guilds', { token: fx.member.token, body: { name: 'Elsewhere' } })).body.id as string;
    const refused = await api.call('POST', `/applications/${appId}/guilds/${other}/commands`, asBot(ping));
    expect([refused.status, refused.body.code]).toEqual([403, 50001]);
    const unknown = await api.call('GET', `/applications/${appId}/guilds/999/commands`, asBot());
    expect([unknown.status, unknown.body.code]).toEqual([404, 10004]);
  });

  it("refuses another application's bot (50001) and an unknown application (10002)", async () => {
    const otherApp = (await api.call('POST', '/applications', { token: fx.member.token, body: { name: 'Other' } })).body.id as string;
    const otherBot = (await api.call('POST', `/applications/${otherApp}/bot`, { token: fx.member.token })).body.token as string;
    const refused = await api.call('POST', `/applications/${appId}/commands`, { token: otherBot, bot: true, body: ping });
    expect([refused.status, refused.body.code]).toEqual([403, 50001]);
    expect((await api.call('GET', '/applications/42/commands', asBot())).body.code).toBe(10002);
  });

  it("answers bad commands with 50035 naming the field and Discord's code", async () => {
    const bad = async (body: unknown) => {
      const answer = await api.call('POST', `/applications/${appId}/commands`, asBot(body));
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(50035);
      return answer.body.errors;
    };
    expect((await bad({ name: 'Ping', description: 'upper case' })).name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect((await bad({ name: 'has space', description: 'x' })).name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect((await bad({ name: 'nodesc' })).description._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect((await bad({ name: 'x'.repeat(33), description: 'x' })).name._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const twoRequired = { name: 'order', description: 'x', options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] };
    expect((await bad(twoRequired)).options[1].required._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID');
    const dupes = { name: 'dupes', description: 'x', options: [{ type: 3, name: 'a', description: 'a' }, { type: 4, name: 'a', description: 'b' }] };
    expect((await bad(dupes)).options[1].name._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS');
    const choicesOnBool = { name: 'c', description: 'x', options: [{ type: 5, name: 'b', description: 'b', choices: [{ name: 'yes', value: 'yes' }] }] };
    expect((await bad(choicesOnBool)).options[0].choices._errors[0].code).toBe('APPLICATION_COMMAND_OPTION_FIELD_INVALID');
    const wrongValue = { name: 'c', description: 'x', options: [{ type: 4, name: 'n', description: 'n', choices: [{ name: 'half', value: 0.5 }] }] };
    expect((await bad(wrongValue)).options[0].choices[0].value._errors[0].code).toBe('BASE_TYPE_INVALID');
    const mixed = { name: 'm', description: 'x', options: [{ type: 1, name: 'sub', description: 's' }, { type: 3, name: 'a', description: 'a' }] };
    expect((await bad(mixed)).options._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
    const groupInGroup = { name: 'g', description: 'x', options: [{ type: 2, name: 'grp', description: 'g', options: [{ type: 2, name: 'inner', description: 'i', options: [{ type: 1, name: 's', description: 's' }] }] }] };
    expect(JSON.stringify(await bad(groupInGroup))).toContain('APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
    expect((await bad({ name: 'Menu', type: 2, description: 'not allowed' })).description._errors[0].code).toBe('APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION');
    expect((await bad({ name: 'e', type: 4, description: 'x' })).type._errors[0].code).toBe('BASE_TYPE_CHOICES');
    const unknownNested = { name: 'u', description: 'x', options: [{ type: 3, name: 'a', description: 'a', colour: 'red' }] };
    expect((await bad(unknownNested)).options[0]._errors[0].code).toBe('BASE_TYPE_INVALID');
    const huge = { name: 'big', description: 'd'.repeat(100), options: Array.from({ length: 25 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd'.repeat(100), choices: Array.from({ length: 25 }, (_, c) => ({ name: `c${c}`, value: `v${c}` })) })) };
    expect((await bad(huge))._errors[0].code).toBe('APPLICATION_COMMAND_TOO_LARGE');
    const dupPut = await api.call('PUT', `/applications/${appId}/commands`, asBot([ping, ping]));
    expect(dupPut.body.errors[1].name._errors[0].code).toBe('APPLICATION_COMMANDS_DUPLICATE_NAME');
    expect((await api.call('GET', `/applications/${appId}/commands`, asBot())).body).toEqual([]);
  });

  it('takes sub-command groups, choices, localisations, contexts and keeps every field it took', async () => {
    const command = {
      name: 'config',
      name_localizations: { de: 'konfig' },
      description: 'Configure',
      description_localizations: { fr: 'Configurer' },
      contexts: [0, 1],
      integration_types: [0],
      nsfw: true,
      default_member_permissions: String(Permission.MANAGE_GUILD),
      options: [
        {
          type: 2,
          name: 'colour',
          description: 'Colours',
          options: [{ type: 1, name: 'set', description: 'Set it', options: [{ type: 3, name: 'value', description: 'Which', required: true, choices: [{ name: 'Red', value: 'red', name_localizations: { de: 'Rot' } }] }, { type: 10, name: 'alpha', description: 'Alpha', min_value: 0, max_value: 1 }, { type: 7, name: 'where', description: 'Channel', channel_types: [0, 5] }, { type: 3, name: 'q', description: 'Search', autocomplete: true }] }],
        },
      ],
    };
    const answer = await api.call('POST', `/applications/${appId}/commands`, asBot(command));
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject(command);
  });

  it('stays within 100 chat commands and 15 context-menu commands of each type per scope (30032)', async () => {
    const many = Array.from({ length: 16 }, (_, i) => ({ name: `Menu ${i}`, type: 3 }));
    const put = await api.call('PUT', `/applications/${appId}/commands`, asBot(many));
    expect([put.status, put.body.code]).toEqual([400, 30032]);
    await api.call('PUT', `/applications/${appId}/commands`, asBot(many.slice(0, 15)));
    const one = await api.call('POST', `/applications/${appId}/commands`, asBot({ name: 'Menu 99', type: 3 }));
    expect([one.status, one.body.code]).toEqual([400, 30032]);
  });

  it('sets and reads command permissions (users only, MANAGE_GUILD + MANAGE_ROLES) and applies them to the guild index', async () => {
    const open = (await api.call('POST', `/applications/${appId}/guilds/${fx.guildId}/commands`, asBot(ping))).body;
    const admin = (await api.call('POST', `/applications/${appId}/guilds/${fx.guildId}/commands`, asBot({ name: 'ban', description: 'admins', default_member_permissions: '0' }))).body;
    const indexFor = async (token: string) => (await api.call('GET', `/guilds/${fx.guildId}/application-command-index`, { token })).body;
    const memberIndex = await indexFor(fx.member.token);
    expect(memberIndex.applications).toEqual([expect.objectContaining({ id: appId, bot_id: bot.id })]);
    expect(memberIndex.application_commands.map((c: { name: string }) => c.name)).toEqual(['ping']);
    expect((await indexFor(fx.owner.token)).application_commands.map((c: { name: string }) => c.name).sort()).toEqual(['ban', 'ping']);

    const none = await api.call('GET', `/applications/${appId}/guilds/${fx.guildId}/commands/${open.id as string}/permissions`, asBot());
    expect([none.status, none.body.code]).toEqual([404, 10066]);
    const body = { permissions: [{ id: fx.member.id, type: 2, permission: true }] };
    const byBot = await api.call('PUT', `/applications/${appId}/guilds/${fx.guildId}/commands/${admin.id as string}/permissions`, asBot(body));
    expect(byBot.body.code).toBe(20001);
    const byMember = await api.call('PUT', `/applications/${appId}/guilds/${fx.guildId}/commands/${admin.id as string}/permissions`, { token: fx.member.token, body });
    expect(byMember.body.code).toBe(50013);
    const set = await api.call('PUT', `/applications/${appId}/guilds/${fx.guildId}/commands/${admin.id as string}/permissions`, { token: fx.owner.token, body });
    expect(set.body).toEqual({ id: admin.id, application_id: appId, guild_id: fx.guildId, permissions: body.permissions });
    const update = api.ofType('APPLICATION_COMMAND_PERMISSIONS_UPDATE')[0];
    expect(update?.target).toEqual({ userIds: [bot.id] });
    expect(update?.payload).toEqual(set.body);
    const deny = await api.call('PUT', `/applications/${appId}/guilds/${fx.guildId}/commands/${appId}/permissions`, { token: fx.owner.token, body: { permissions: [{ id: fx.guildId, type: 1, permission: false }] } });
    expect(deny.status).toBe(200);
    // The member is allowed on "ban" by a user entry; "ping" falls back to the application's @everyone deny.
    expect((await indexFor(fx.member.token)).application_commands.map((c: { name: string }) => c.name)).toEqual(['ban']);
    const all = await api.call('GET', `/applications/${appId}/guilds/${fx.guildId}/commands/permissions`, asBot());
    expect(all.body.map((p: { id: string }) => p.id).sort()).toEqual([admin.id, appId].sort());
  });
});
