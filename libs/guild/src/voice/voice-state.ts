/**
 * A member's voice state as the guild actor holds it (one per user per
 * guild: Discord allows one voice channel per user per guild), and its three
 * shapes: the Discord voice state object of VOICE_STATE_UPDATE, the partial
 * one in GUILD_CREATE's voice_states, and chat.guild.v1.VoiceState.
 */
import type { guildV1 } from '@chat/proto';
import { memberJson } from '../guild-json';
import type { GuildData } from '../guild-state';

/** One member's voice connection in the guild. */
export interface VoiceStateRecord {
  userId: string;
  channelId: string;
  /** Gateway session that holds the voice connection. */
  sessionId: string;
  /** Voice node that holds the call (for RevokeSession and UpdateParticipant). */
  voiceNodeId: string;
  /** Server mute by a moderator. */
  mute: boolean;
  /** Server deafen by a moderator. */
  deaf: boolean;
  selfMute: boolean;
  selfDeaf: boolean;
  /** The member lacks SPEAK in the channel. */
  suppress: boolean;
}

/** The mute the voice service enforces and Discord shows: server mute, or no SPEAK in the channel. */
export function effectiveMute(record: VoiceStateRecord): boolean {
  return record.mute || record.suppress;
}

/** The Discord voice state object (VOICE_STATE_UPDATE `d`); `record` undefined means the user left (channel_id null). */
export function voiceStateJson(data: GuildData, userId: string, sessionId: string, record: VoiceStateRecord | undefined, previous?: VoiceStateRecord): Record<string, unknown> {
  const member = data.members.get(userId);
  const base = record ?? previous;
  return {
    guild_id: data.guild.id,
    channel_id: record?.channelId ?? null,
    user_id: userId,
    ...(member ? { member: memberJson(member, data.users.get(userId)) } : {}),
    session_id: record?.sessionId ?? sessionId,
    deaf: base?.deaf ?? false,
    mute: base ? effectiveMute(base) : false,
    self_deaf: base?.selfDeaf ?? false,
    self_mute: base?.selfMute ?? false,
    self_video: false,
    suppress: base?.suppress ?? false,
    request_to_speak_timestamp: null,
  };
}

/** GUILD_CREATE's voice_states: partial voice state objects without guild_id. */
export function guildCreateVoiceStates(data: GuildData): Record<string, unknown>[] {
  return [...data.voiceStates.values()].map((record) => {
    const { guild_id: _guildId, member: _member, ...partial } = voiceStateJson(data, record.userId, record.sessionId, record);
    return partial;
  });
}

/** chat.guild.v1.VoiceState of a user; channel unset when not in voice. */
export function voiceStateProto(guildId: string, userId: string, sessionId: string, record: VoiceStateRecord | undefined): guildV1.VoiceState {
  return {
    guildId,
    ...(record ? { channelId: record.channelId } : {}),
    userId,
    sessionId: record?.sessionId ?? sessionId,
    deaf: record?.deaf ?? false,
    mute: record ? effectiveMute(record) : false,
    selfDeaf: record?.selfDeaf ?? false,
    selfMute: record?.selfMute ?? false,
    selfVideo: false,
    suppress: record?.suppress ?? false,
  };
}
