/**
 * The guild actor's calls to the voice service, with the failure rules:
 * AllocateServer and UpdateParticipant failures throw
 * VoiceServerUnavailableError (the caller leaves the voice state as it was),
 * RevokeSession failures are logged (a seat left behind expires on the voice
 * node; a member who leaves is never kept in a channel by a dead node).
 */
import type { voiceV1 } from '@chat/proto';
import { VoiceServerUnavailableError } from '../errors';
import type { GuildActorDeps, GuildState } from '../guild-fanout';
import type { VoiceClients } from './voice-clients';
import { effectiveMute, type VoiceStateRecord } from './voice-state';

/** What the guild actor needs for voice. */
export interface VoiceDeps {
  /** The voice ring; without it every join fails with VoiceServerUnavailableError. */
  voice?: VoiceClients;
  /** Deadline of each voice call (default 1500 ms: a same-node move makes three calls, which stay under the gateway's 5 s GuildService deadline). */
  voiceTimeoutMs?: number;
  /** Told about voice calls that failed (logged by the node). */
  onVoiceError?(error: unknown, context: Record<string, unknown>): void;
}

/** Guild actor deps with voice. */
export type VoiceActorDeps = GuildActorDeps & VoiceDeps;

function clients(deps: VoiceDeps): VoiceClients {
  if (!deps.voice) throw new VoiceServerUnavailableError('none', 'lookup (no voice service configured)');
  return deps.voice;
}

function options(deps: VoiceDeps): { timeoutMs: number } {
  return { timeoutMs: deps.voiceTimeoutMs ?? 1_500 };
}

/** The voice node of a call. @throws {VoiceServerUnavailableError} */
export function voiceNodeFor(deps: VoiceDeps, guildId: string, channelId: string): string {
  return clients(deps).nodeFor(guildId, channelId);
}

/** AllocateServer on `nodeId`. @throws {VoiceServerUnavailableError} */
export async function allocate(deps: VoiceDeps, nodeId: string, request: voiceV1.AllocateServerRequest): Promise<voiceV1.VoiceServer> {
  try {
    const response = await clients(deps).client(nodeId).allocateServer(request, options(deps));
    if (!response.server || response.server.token === '' || response.server.endpoint === '') throw new Error('AllocateServer answered without endpoint and token');
    return response.server;
  } catch (error) {
    if (error instanceof VoiceServerUnavailableError) throw error;
    throw new VoiceServerUnavailableError(nodeId, 'AllocateServer', { cause: error });
  }
}

/** RevokeSession of the record's seat; returns false (and logs) when the voice node did not answer. */
export async function revoke(state: GuildState, deps: VoiceActorDeps, record: VoiceStateRecord): Promise<boolean> {
  const guildId = state.data.guild.id;
  try {
    await clients(deps).client(record.voiceNodeId).revokeSession({ guildId, userId: record.userId, sessionId: record.sessionId }, options(deps));
    return true;
  } catch (error) {
    deps.onVoiceError?.(error, { operation: 'RevokeSession', guildId, userId: record.userId, sessionId: record.sessionId, voiceNodeId: record.voiceNodeId });
    return false;
  }
}

/** UpdateParticipant with the record's mute and deafen. @throws {VoiceServerUnavailableError} */
export async function pushParticipant(state: GuildState, deps: VoiceDeps, record: VoiceStateRecord): Promise<void> {
  try {
    await clients(deps)
      .client(record.voiceNodeId)
      .updateParticipant(
        { guildId: state.data.guild.id, channelId: record.channelId, userId: record.userId, mute: effectiveMute(record), deaf: record.deaf, selfMute: record.selfMute, selfDeaf: record.selfDeaf },
        options(deps),
      );
  } catch (error) {
    if (error instanceof VoiceServerUnavailableError) throw error;
    throw new VoiceServerUnavailableError(record.voiceNodeId, 'UpdateParticipant', { cause: error });
  }
}
