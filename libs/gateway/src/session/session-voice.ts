/**
 * The session's way to the guild service for voice (gateway op 4): the
 * session hands over a validated VOICE_STATE_UPDATE; the answer comes back
 * as dispatches (VOICE_STATE_UPDATE, VOICE_SERVER_UPDATE) on the guild's
 * dispatch stream, not as a return value.
 */

/** Gateway op 4's `d` after validation. */
export interface VoiceStateUpdate {
  readonly guildId: string;
  /** null: leave voice in this guild. */
  readonly channelId: string | null;
  readonly selfMute: boolean;
  readonly selfDeaf: boolean;
}

/** What a session needs to change its user's voice state (GuildService.UpdateVoiceState on the guild's owner). */
export interface SessionVoice {
  /** Rejects when the guild refused the change or could not reach the voice service. */
  updateVoiceState(sessionId: string, userId: string, update: VoiceStateUpdate): Promise<void>;
}
