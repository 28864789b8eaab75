/**
 * The dispatches of voice: VOICE_STATE_UPDATE to every session with the
 * GUILD_VOICE_STATES intent (plus a copy for the session that asked, when it
 * lacks the intent, as Discord always tells the requester), and
 * VOICE_SERVER_UPDATE to one session only.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';
import type { voiceV1 } from '@chat/proto';
import { emit, nodesOf, type GuildActorDeps, type GuildState } from '../guild-fanout';
import { voiceStateJson, type VoiceStateRecord } from './voice-state';


function filter(overrides: Partial<guildV1.DispatchFilter>): guildV1.DispatchFilter {
  return { intents: 0, audience: guildV1.Audience.ALL, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [], ...overrides };
}

function dispatch(type: string, payload: unknown, f: guildV1.DispatchFilter): guildV1.DispatchItem['item'] {
  return { $case: 'dispatch', dispatch: { type, payloadJson: Buffer.from(JSON.stringify(payload)), redactedPayloadJson: Buffer.alloc(0), filter: f } };
}

/**
 * Emits VOICE_STATE_UPDATE for `userId`: `record` is the new state, or
 * undefined when the user left (then `previous` fills the flags and
 * channel_id is null). `notifySessionId` also gets it when it lacks the intent.
 */
export function publishVoiceState(
  state: GuildState,
  deps: GuildActorDeps,
  userId: string,
  record: VoiceStateRecord | undefined,
  previous: VoiceStateRecord | undefined,
  notifySessionId?: string,
): void {
  const sessionId = record?.sessionId ?? previous?.sessionId ?? '';
  const payload = voiceStateJson(state.data, userId, sessionId, record, previous);
  emit(state, deps, nodesOf(state), dispatch('VOICE_STATE_UPDATE', payload, filter({ intents: GatewayIntentBits.GuildVoiceStates })));
  const notify = notifySessionId === undefined ? undefined : state.sessions.get(notifySessionId);
  if (notify && (notify.intents & GatewayIntentBits.GuildVoiceStates) === 0) {
    emit(state, deps, [notify.nodeId], dispatch('VOICE_STATE_UPDATE', payload, filter({ targetSessionIds: [notify.sessionId] })));
  }
}

/** Emits VOICE_SERVER_UPDATE {token, guild_id, endpoint} to one session (nothing when it is not attached here). */
export function publishVoiceServer(state: GuildState, deps: GuildActorDeps, sessionId: string, server: voiceV1.VoiceServer): void {
  const session = state.sessions.get(sessionId);
  if (!session) return;
  const payload = { token: server.token, guild_id: state.data.guild.id, endpoint: server.endpoint };
  emit(state, deps, [session.nodeId], dispatch('VOICE_SERVER_UPDATE', payload, filter({ targetSessionIds: [sessionId] })));
}
