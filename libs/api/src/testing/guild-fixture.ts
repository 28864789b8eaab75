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
