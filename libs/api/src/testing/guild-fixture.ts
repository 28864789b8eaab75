/** Test support: a guild with an owner and one plain member (joined through an invite). */
import type { RestHarness } from './rest-harness';

/** The fixture's ids and tokens. */
export interface GuildFixture {
  owner: { id: string; token: string };
  member: { id: string; token: string };
  guildId: string;
  /** The default "general" text channel. */
  channelId: string;
}

/** Registers two users, creates a guild as the first and makes the second join it. */
export async function guildFixture(api: RestHarness): Promise<GuildFixture> {
  const owner = await api.user('owner');
  const member = await api.user('member');
  const guild = await api.call('POST', '/guilds', { token: owner.token, body: { name: 'Test Guild' } });
  if (guild.status !== 201) throw new Error(`create guild: ${guild.status} ${JSON.stringify(guild.body)}`);
  const guildId = guild.body.id as string;
  const channelId = guild.body.system_channel_id as string;
  const invite = await api.call('POST', `/channels/${channelId}/invites`, { token: owner.token, body: {} });
  const joined = await api.call('POST', `/invites/${invite.body.code as string}`, { token: member.token });
  if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  api.dispatches.length = 0;
  return { owner, member, guildId, channelId };
}

/** An application whose bot was authorised into the fixture's guild (no permissions beyond @everyone's). */
export interface BotFixture {
  appId: string;
  bot: { id: string; token: string };
}

/** Creates an application owned by the guild owner, gives it a bot, and adds the bot to the guild. */
export async function botInGuild(api: RestHarness, fx: GuildFixture, name = 'Helper'): Promise<BotFixture> {
  const app = await api.call('POST', '/applications', { token: fx.owner.token, body: { name } });
  const appId = app.body.id as string;
  const created = await api.call('POST', `/applications/${appId}/bot`, { token: fx.owner.token });
  const authorized = await api.call('POST', `/oauth2/authorize?client_id=${appId}&scope=bot`, { token: fx.owner.token, body: { guild_id: fx.guildId, permissions: '0', authorize: true } });
  if (authorized.status !== 200) throw new Error(`authorize: ${authorized.status} ${JSON.stringify(authorized.body)}`);
  api.dispatches.length = 0;
  return { appId, bot: { id: created.body.user.id as string, token: created.body.token as string } };
}
