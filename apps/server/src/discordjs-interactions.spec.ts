/**
 * Issue 14's first "Done when": an unmodified discord.js v14 bot registers
 * global commands (PUT) and a guild command (POST), fetches them, receives
 * INTERACTION_CREATE when a person invokes one, replies, defers then edits,
 * follows up, replies ephemerally, sends a button row, receives the click,
 * updates the message, opens a modal and receives its submission. The
 * person is a plain gateway session plus REST calls, as a web client is;
 * the whole server runs in this process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Guild,
  type Interaction,
} from 'discord.js';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';
import { connectUserSession, type UserSession } from './testing/user-session';

let server: RunningServer | undefined;
let client: Client | undefined;
let person: UserSession | undefined;
afterEach(async () => {
  person?.close();
  await client?.destroy();
  await server?.shutdown('test');
  [server, client, person] = [undefined, undefined, undefined];
});

describe('an unmodified discord.js v14 bot with slash commands, buttons and modals', () => {
  it('registers, is invoked, replies every way Discord allows, and handles a click and a modal', async () => {
    server = await startInProcessServer();
    const api = server.endpoints.api!;
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(api, method, path, token, body);
    const register = async (name: string) => (await call('POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` })).body as { token: string; user_id: string };
    const alice = await register('alice');
    const bob = await register('bob');
    const guildId = (await call('POST', '/guilds', alice.token, { name: 'Home' })).body.id as string;
    const channelId = (await call('GET', `/guilds/${guildId}/channels`, alice.token)).body[0].id as string;
    const invite = (await call('POST', `/channels/${channelId}/invites`, alice.token, {})).body.code as string;
    await call('POST', `/invites/${invite}`, bob.token, {});
    const appId = (await call('POST', '/applications', alice.token, { name: 'Helper' })).body.id as string;
    const botToken = (await call('POST', `/applications/${appId}/bot`, alice.token)).body.token as string;
    const permissions = String((1n << 10n) | (1n << 11n) | (1n << 16n));
    expect((await call('POST', `/oauth2/authorize?client_id=${appId}&scope=bot`, alice.token, { guild_id: guildId, permissions, authorize: true })).status).toBe(200);
    person = await connectUserSession(server.endpoints.gateway!, bob.token);

    // The bot: discord.js with only the REST base changed, and ordinary handlers.
    const bot = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api } });
    client = bot;
    const errors: unknown[] = [];
    bot.on(Events.InteractionCreate, (interaction: Interaction) => {
      void (async () => {
        if (interaction.isChatInputCommand()) {
          switch (interaction.commandName) {
            case 'ping':
              await interaction.reply(`pong, ${interaction.options.getString('word', true)}`);
              return;
            case 'later':
              await interaction.deferReply();
              await interaction.editReply('done thinking');
              await interaction.followUp('and one more thing');
              return;
            case 'secret':
              await interaction.reply({ content: 'only you can see this', flags: MessageFlags.Ephemeral });
              return;
            case 'buttons':
              await interaction.reply({ content: 'choose', components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('yes').setLabel('Yes').setStyle(ButtonStyle.Success))] });
              return;
            case 'form':
              await interaction.showModal(
                new ModalBuilder()
                  .setCustomId('feedback')
                  .setTitle('Feedback')
                  .addLabelComponents(new LabelBuilder().setLabel('Your words').setTextInputComponent(new TextInputBuilder().setCustomId('words').setStyle(TextInputStyle.Paragraph).setMinLength(2))),
              );
              return;
            case 'local':
              await interaction.reply(`guild command says ${interaction.options.getString('text', true)}`);
              return;
          }
        }
        if (interaction.isButton() && interaction.customId === 'yes') {
          await interaction.update({ content: `${interaction.user.username} chose yes`, components: [] });
          return;
        }
        if (interaction.isModalSubmit() && interaction.customId === 'feedback') {
          await interaction.reply(`thanks: ${interaction.fields.getTextInputValue('words')}`);
        }
      })().catch((error: unknown) => errors.push(error));
    });
    const ready = new Promise<void>((resolve) => bot.once(Events.ClientReady, () => resolve()));
    const available = new Promise<Guild>((resolve) => bot.on(Events.GuildAvailable, (g) => g.id === guildId && resolve(g)));
    await bot.login(botToken);
    await ready;
    const guild = await available;

    // Registration: global commands in bulk (PUT), one guild command (POST), then fetched back.
    await bot.application!.fetch();
    expect(bot.application!.id).toBe(appId);
    const globals = await bot.application!.commands.set([
      { name: 'ping', description: 'Replies', options: [{ type: ApplicationCommandOptionType.String, name: 'word', description: 'A word', required: true }] },
      { name: 'later', description: 'Defers, edits, follows up' },
      { name: 'secret', description: 'Replies to you alone' },
      { name: 'buttons', description: 'Sends a button' },
      { name: 'form', description: 'Opens a modal' },
    ]);
    expect(globals.size).toBe(5);
    const local = await guild.commands.create({ name: 'local', description: 'Guild only', options: [{ type: ApplicationCommandOptionType.String, name: 'text', description: 'Text', required: true }] });
    expect(local.guildId).toBe(guildId);
    expect((await bot.application!.commands.fetch()).map((c) => c.name).sort()).toEqual(['buttons', 'form', 'later', 'ping', 'secret']);
    expect((await guild.commands.fetch()).map((c) => c.name)).toEqual(['local']);

    // The person's client finds the commands in the guild's index and invokes them.
    const index = (await call('GET', `/guilds/${guildId}/application-command-index`, bob.token)).body;
    const byName = new Map<string, { id: string; version: string }>(index.application_commands.map((c: { name: string; id: string; version: string }) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['buttons', 'form', 'later', 'local', 'ping', 'secret']);
    let nonce = 0;
    const invoke = async (name: string, options: unknown[] = []) => {
      const command = byName.get(name)!;
      const sent = String(++nonce);
      const answer = await call('POST', '/interactions', bob.token, { type: 2, application_id: appId, guild_id: guildId, channel_id: channelId, nonce: sent, data: { id: command.id, name, type: 1, version: command.version, options } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(204);
      const created = await person!.waitFor('INTERACTION_CREATE', (d) => d.nonce === sent);
      await person!.waitFor('INTERACTION_SUCCESS', (d) => d.id === created.id);
      return created.id as string;
    };
    const messageCreate = (match: (d: any) => boolean) => person!.waitFor('MESSAGE_CREATE', match);
    const messageUpdate = (match: (d: any) => boolean) => person!.waitFor('MESSAGE_UPDATE', match);

    const pingId = await invoke('ping', [{ type: 3, name: 'word', value: 'bob' }]);
    const pong = await messageCreate((d) => d.content === 'pong, bob');
    expect(pong).toMatchObject({ type: 20, author: { id: bot.user!.id }, webhook_id: appId, interaction_metadata: { id: pingId, user: { id: bob.user_id } } });

    await invoke('later');
    const thinking = await messageCreate((d) => (d.flags & 128) !== 0);
    await messageUpdate((d) => d.id === thinking.id && d.content === 'done thinking');
    await messageCreate((d) => d.content === 'and one more thing');

    await invoke('secret');
    const secret = await messageCreate((d) => d.content === 'only you can see this');
    expect(secret.flags & 64).toBe(64);
    const history = (await call('GET', `/channels/${channelId}/messages?limit=20`, alice.token)).body as { id: string }[];
    expect(history.some((m) => m.id === secret.id)).toBe(false);

    await invoke('local', [{ type: 3, name: 'text', value: 'hello' }]);
    await messageCreate((d) => d.content === 'guild command says hello');

    await invoke('buttons');
    const choose = await messageCreate((d) => d.content === 'choose');
    expect(choose.components[0].components[0]).toMatchObject({ type: 2, custom_id: 'yes', label: 'Yes', style: 3 });
    const clickNonce = 'click';
    expect((await call('POST', '/interactions', bob.token, { type: 3, application_id: appId, guild_id: guildId, channel_id: channelId, message_id: choose.id, nonce: clickNonce, data: { component_type: 2, custom_id: 'yes' } })).status).toBe(204);
    const updated = await messageUpdate((d) => d.id === choose.id && d.content === 'bob chose yes');
    expect(updated.components).toEqual([]);

    const formId = await invoke('form');
    const modal = await person.waitFor('INTERACTION_MODAL_CREATE', (d) => d.id === formId);
    expect(modal).toMatchObject({ custom_id: 'feedback', title: 'Feedback', components: [{ type: 18, label: 'Your words', component: { type: 4, custom_id: 'words' } }] });
    const submitted = await call('POST', '/interactions', bob.token, { type: 5, application_id: appId, guild_id: guildId, channel_id: channelId, nonce: 'modal', data: { custom_id: 'feedback', components: [{ type: 18, component: { type: 4, custom_id: 'words', value: 'lovely' } }] } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(204);
    await messageCreate((d) => d.content === 'thanks: lovely');
    expect(errors).toEqual([]);
  }, 60_000);
});
