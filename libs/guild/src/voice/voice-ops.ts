/**
 * Voice states inside the guild actor's turn (Discord's rules): join, move,
 * leave and self mute/deafen from gateway op 4; server mute, deafen, move
 * and disconnect by a moderator; leaving when the session's attachment ends.
 * One channel per user per guild; the channel must be a voice channel
 * (type 2) the member may VIEW and CONNECT to; user_limit (0: none) binds
 * unless the member has MOVE_MEMBERS; without SPEAK the member is suppressed
 * (shown and enforced as muted).
 */
import { Permission } from '@chat/permissions';
import type { guildV1 } from '@chat/proto';
import type { StoredChannel } from '@chat/store';
import { InvalidGuildRequestError, NotInVoiceError, NotVoiceChannelError, VoiceChannelFullError, VoicePermissionError, VoiceServerUnavailableError } from '../errors';
import type { GuildState } from '../guild-fanout';
import { permissionsOf, type GuildData } from '../guild-state';
import { allocate, pushParticipant, revoke, voiceNodeFor, type VoiceActorDeps } from './voice-calls';
import { publishVoiceServer, publishVoiceState } from './voice-dispatch';
import { voiceStateProto, type VoiceStateRecord } from './voice-state';

/** Gateway op 4 as the guild sees it (UpdateVoiceStateRequest after validation). */
export interface VoiceUpdateInput {
  userId: string;
  sessionId: string;
  /** Undefined: leave voice. */
  channelId?: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

/** A moderator's change (ModerateVoiceStateRequest after validation). */
export interface VoiceModerateInput {
  userId: string;
  actorUserId: string;
  mute?: boolean;
  deaf?: boolean;
  channelId?: string;
  disconnect: boolean;
}

const GUILD_VOICE = 2;

function requireVoiceChannel(data: GuildData, channelId: string): StoredChannel {
  const channel = data.channels.get(channelId);
  if (!channel || channel.type !== GUILD_VOICE) throw new NotVoiceChannelError(data.guild.id, channelId);
  return channel;
}

function need(permissions: bigint, flag: bigint, name: string, userId: string, channelId: string | undefined): void {
  if ((permissions & flag) !== flag) throw new VoicePermissionError(userId, name, channelId);
}

function requireMember(data: GuildData, field: string, userId: string): void {
  if (!data.members.has(userId)) throw new InvalidGuildRequestError(field, `${userId} is not a member of guild ${data.guild.id}`);
}

/** Throws VoiceChannelFullError when joining would go past user_limit (MOVE_MEMBERS bypasses, as Discord). */
function requireRoom(data: GuildData, channel: StoredChannel, permissions: bigint, userId: string): void {
  const limit = channel.userLimit ?? 0;
  if (limit <= 0 || (permissions & Permission.MOVE_MEMBERS) !== 0n) return;
  let inside = 0;
  for (const record of data.voiceStates.values()) if (record.channelId === channel.id && record.userId !== userId) inside += 1;
  if (inside >= limit) throw new VoiceChannelFullError(channel.id, limit);
}

function suppressed(data: GuildData, userId: string, channelId: string): boolean {
  return (permissionsOf(data, userId, channelId) & Permission.SPEAK) === 0n;
}

/**
 * Seats `next` in its call (a join or a move) and revokes `previous`'s seat.
 * RevokeSession names (guild, user, session), not the call, so on the same
 * voice node the old seat is revoked first (after, it would take the new
 * one too); on another node the new seat is allocated first. When the voice
 * node does not answer, nothing changes and VoiceServerUnavailableError is
 * thrown, except when the old seat was already revoked: then the member is
 * out of voice (state cleared, VOICE_STATE_UPDATE channel_id null).
 */
async function seat(state: GuildState, deps: VoiceActorDeps, previous: VoiceStateRecord | undefined, next: Omit<VoiceStateRecord, 'voiceNodeId'>): Promise<{ record: VoiceStateRecord; server: guildV1.UpdateVoiceStateResponse['server'] }> {
  const guildId = state.data.guild.id;
  const nodeId = voiceNodeFor(deps, guildId, next.channelId);
  const sameNode = previous !== undefined && previous.voiceNodeId === nodeId;
  if (previous && sameNode && !(await revoke(state, deps, previous))) throw new VoiceServerUnavailableError(nodeId, 'RevokeSession');
  let server;
  try {
    server = await allocate(deps, nodeId, { guildId, channelId: next.channelId, userId: next.userId, sessionId: next.sessionId });
  } catch (error) {
    if (previous && sameNode) {
      state.data.voiceStates.delete(previous.userId);
      publishVoiceState(state, deps, previous.userId, undefined, previous, previous.sessionId);
    }
    throw error;
  }
  if (previous && !sameNode) await revoke(state, deps, previous);
  const record: VoiceStateRecord = { ...next, voiceNodeId: nodeId };
  state.data.voiceStates.set(record.userId, record);
  if (record.mute || record.deaf || record.selfMute || record.selfDeaf || record.suppress) {
    // The seat exists; a failure here leaves the call's forwarding unmuted until the next change, so it is logged, not fatal.
    await pushParticipant(state, deps, record).catch((error: unknown) => deps.onVoiceError?.(error, { operation: 'UpdateParticipant', guildId, userId: record.userId }));
  }
  return { record, server };
}

function sameFlags(a: VoiceStateRecord, b: VoiceStateRecord): boolean {
  return a.mute === b.mute && a.deaf === b.deaf && a.selfMute === b.selfMute && a.selfDeaf === b.selfDeaf && a.suppress === b.suppress;
}

/** Applies a flag-only change (no move): UpdateParticipant first, then the state and the dispatch. */
async function changeFlags(state: GuildState, deps: VoiceActorDeps, previous: VoiceStateRecord, next: VoiceStateRecord, notifySessionId: string): Promise<VoiceStateRecord> {
  if (!sameFlags(previous, next)) await pushParticipant(state, deps, next);
  state.data.voiceStates.set(next.userId, next);
  publishVoiceState(state, deps, next.userId, next, previous, notifySessionId);
  return next;
}

/** Removes a member from voice: dispatch (channel_id null), then RevokeSession (failure logged). */
async function leave(state: GuildState, deps: VoiceActorDeps, previous: VoiceStateRecord, notifySessionId: string | undefined): Promise<void> {
  state.data.voiceStates.delete(previous.userId);
  publishVoiceState(state, deps, previous.userId, undefined, previous, notifySessionId);
  await revoke(state, deps, previous);
}

/** Gateway op 4 (UpdateVoiceState). */
export async function updateVoiceState(state: GuildState, deps: VoiceActorDeps, input: VoiceUpdateInput): Promise<guildV1.UpdateVoiceStateResponse> {
  const data = state.data;
  const guildId = data.guild.id;
  requireMember(data, 'user_id', input.userId);
  const session = state.sessions.get(input.sessionId);
  if (!session || session.userId !== input.userId) throw new InvalidGuildRequestError('session_id', `is not attached to guild ${guildId} for user ${input.userId}`);
  const previous = data.voiceStates.get(input.userId);
  if (input.channelId === undefined) {
    if (previous) await leave(state, deps, previous, input.sessionId);
    return { state: voiceStateProto(guildId, input.userId, input.sessionId, undefined) };
  }
  const channel = requireVoiceChannel(data, input.channelId);
  const permissions = permissionsOf(data, input.userId, channel.id);
  need(permissions, Permission.VIEW_CHANNEL | Permission.CONNECT, 'CONNECT', input.userId, channel.id);
  const suppress = (permissions & Permission.SPEAK) === 0n;
  if (previous && previous.channelId === channel.id && previous.sessionId === input.sessionId) {
    const next = await changeFlags(state, deps, previous, { ...previous, selfMute: input.selfMute, selfDeaf: input.selfDeaf, suppress }, input.sessionId);
    return { state: voiceStateProto(guildId, input.userId, input.sessionId, next) };
  }
  if (previous?.channelId !== channel.id) requireRoom(data, channel, permissions, input.userId);
  const member = data.members.get(input.userId)!;
  const { record, server } = await seat(state, deps, previous, {
    userId: input.userId,
    channelId: channel.id,
    sessionId: input.sessionId,
    mute: previous?.mute ?? member.mute,
    deaf: previous?.deaf ?? member.deaf,
    selfMute: input.selfMute,
    selfDeaf: input.selfDeaf,
    suppress,
  });
  publishVoiceState(state, deps, input.userId, record, previous, input.sessionId);
  if (server) publishVoiceServer(state, deps, input.sessionId, server);
  return { state: voiceStateProto(guildId, input.userId, input.sessionId, record), ...(server ? { server } : {}) };
}

/** ModerateVoiceState: server mute (MUTE_MEMBERS), deafen (DEAFEN_MEMBERS), move or disconnect (MOVE_MEMBERS), checked in the member's current channel. */
export async function moderateVoiceState(state: GuildState, deps: VoiceActorDeps, input: VoiceModerateInput): Promise<guildV1.ModerateVoiceStateResponse> {
  const data = state.data;
  const guildId = data.guild.id;
  requireMember(data, 'actor_user_id', input.actorUserId);
  requireMember(data, 'user_id', input.userId);
  const previous = data.voiceStates.get(input.userId);
  if (!previous) throw new NotInVoiceError(guildId, input.userId);
  const here = permissionsOf(data, input.actorUserId, previous.channelId);
  const actor = input.actorUserId;
  if (input.mute !== undefined && input.mute !== previous.mute) need(here, Permission.MUTE_MEMBERS, 'MUTE_MEMBERS', actor, previous.channelId);
  if (input.deaf !== undefined && input.deaf !== previous.deaf) need(here, Permission.DEAFEN_MEMBERS, 'DEAFEN_MEMBERS', actor, previous.channelId);
  if (input.disconnect) {
    need(here, Permission.MOVE_MEMBERS, 'MOVE_MEMBERS', actor, previous.channelId);
    await leave(state, deps, previous, previous.sessionId);
    return { state: voiceStateProto(guildId, input.userId, previous.sessionId, undefined) };
  }
  const flags = { mute: input.mute ?? previous.mute, deaf: input.deaf ?? previous.deaf };
  if (input.channelId !== undefined && input.channelId !== previous.channelId) {
    need(here, Permission.MOVE_MEMBERS, 'MOVE_MEMBERS', actor, previous.channelId);
    const channel = requireVoiceChannel(data, input.channelId);
    need(permissionsOf(data, actor, channel.id), Permission.CONNECT | Permission.MOVE_MEMBERS, 'CONNECT and MOVE_MEMBERS', actor, channel.id);
    const { voiceNodeId: _old, ...rest } = previous;
    const { record, server } = await seat(state, deps, previous, { ...rest, ...flags, channelId: channel.id, suppress: suppressed(data, input.userId, channel.id) });
    publishVoiceState(state, deps, input.userId, record, previous, previous.sessionId);
    if (server) publishVoiceServer(state, deps, previous.sessionId, server);
    return { state: voiceStateProto(guildId, input.userId, previous.sessionId, record) };
  }
  const next = await changeFlags(state, deps, previous, { ...previous, ...flags }, previous.sessionId);
  return { state: voiceStateProto(guildId, input.userId, previous.sessionId, next) };
}

/**
 * The session's attachment ended (session gone, DetachSession(s), its
 * gateway node lost): its voice state is cleared, VOICE_STATE_UPDATE with
 * channel_id null goes out, and RevokeSession runs without holding the turn.
 */
export function leaveOnDetach(state: GuildState, deps: VoiceActorDeps, sessionId: string, userId: string): void {
  const record = state.data.voiceStates.get(userId);
  if (!record || record.sessionId !== sessionId) return;
  state.data.voiceStates.delete(userId);
  publishVoiceState(state, deps, userId, undefined, record);
  void revoke(state, deps, record);
}

/**
 * After a published guild change (member removed, channel deleted or
 * retyped, guild deleted): voice states whose member or voice channel is
 * gone are cleared like a disconnect (VOICE_STATE_UPDATE channel_id null,
 * RevokeSession without holding the turn).
 */
export function pruneVoiceStates(state: GuildState, deps: VoiceActorDeps): void {
  const data = state.data;
  for (const record of [...data.voiceStates.values()]) {
    const channel = data.channels.get(record.channelId);
    if (data.members.has(record.userId) && channel?.type === GUILD_VOICE) continue;
    data.voiceStates.delete(record.userId);
    publishVoiceState(state, deps, record.userId, undefined, record);
    void revoke(state, deps, record);
  }
}
