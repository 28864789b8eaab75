/** Validation of gateway op 4 (Update Voice State): a bad shape closes the connection with 4002 like any other op. */
import type { VoiceStateUpdate } from '../session/session-voice';
import { CloseCode } from './gateway-codes';
import { GatewayCloseError } from './errors';

const SNOWFLAKE = /^\d{1,20}$/;

/** Parses op 4's `d`: {guild_id, channel_id (snowflake or null), self_mute, self_deaf}. @throws {GatewayCloseError} 4002 */
export function parseVoiceStateUpdate(d: unknown): VoiceStateUpdate {
  const bad = (what: string): GatewayCloseError => new GatewayCloseError(CloseCode.DECODE_ERROR, `invalid VOICE_STATE_UPDATE: ${what}`);
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw bad('d');
  const body = d as Record<string, unknown>;
  const guildId = body['guild_id'];
  if (typeof guildId !== 'string' || !SNOWFLAKE.test(guildId)) throw bad('guild_id');
  const channelId = body['channel_id'] ?? null;
  if (channelId !== null && (typeof channelId !== 'string' || !SNOWFLAKE.test(channelId))) throw bad('channel_id');
  const selfMute = body['self_mute'];
  const selfDeaf = body['self_deaf'];
  if (typeof selfMute !== 'boolean') throw bad('self_mute');
  if (typeof selfDeaf !== 'boolean') throw bad('self_deaf');
  return { guildId, channelId, selfMute, selfDeaf };
}
