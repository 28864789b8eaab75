/**
 * Builds a session's GUILD_CREATE payload (the `d`) from the guild's state:
 * guild with roles, channels, members (only online ones and the session's
 * own when the guild is above large_threshold), presences, counts.
 */
import { toDiscordChannel, toDiscordGuild } from '@chat/discord';
import { memberJson, presenceJson } from './guild-json';
import { sortedMemberIds, type GuildData } from './guild-state';
import { guildCreateVoiceStates } from './voice/voice-state';

/** GUILD_CREATE `d` for `userId` as UTF-8 JSON. */
export function buildGuildCreate(data: GuildData, userId: string, largeThreshold: number): Buffer {
  const threshold = largeThreshold === 0 ? 50 : largeThreshold;
  const memberCount = data.members.size;
  const large = memberCount > threshold;
  const members: Record<string, unknown>[] = [];
  const presences: Record<string, unknown>[] = [];
  for (const id of sortedMemberIds(data)) {
    const presence = data.presences.get(id);
    const online = presence !== undefined && presence.status !== 'offline' && presence.status !== 'invisible';
    if (large && !online && id !== userId) continue;
    const member = data.members.get(id);
    if (!member) continue;
    members.push(memberJson(member, data.users.get(id)));
    if (online) presences.push(presenceJson(data.guild.id, id, presence));
  }
  const self = data.members.get(userId);
  const body = {
    ...toDiscordGuild(data.guild, [...data.roles.values()], data.expressions),
    joined_at: self?.joinedAt.toISOString() ?? null,
    large,
    unavailable: false,
    member_count: memberCount,
    channels: [...data.channels.values()].map((channel) => toDiscordChannel(channel)),
    members,
    presences,
    voice_states: guildCreateVoiceStates(data),
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}
