import type { Reply } from '@chat/actor';
import type { DispatchFrame, GuildSubscriptionChange, SessionPresence } from '../relay/local-sessions';
import type { SessionTransport } from './session-transport';
import type { VoiceStateUpdate } from './session-voice';

/** REQUEST_GUILD_MEMBERS (op 8) after validation. */
export interface MemberRequest {
  readonly guildId: string;
  readonly query: string;
  readonly limit: number;
  readonly userIds: readonly string[];
  readonly presences: boolean;
  readonly nonce: string | undefined;
}

/** Answer of a `resume` message. */
export type ResumeOutcome = 'resumed' | 'invalid-seq' | 'gone';

/** Answer of `handoff-begin`: the guilds the session is in, or why it cannot move. */
export type HandoffBeginOutcome = { readonly outcome: 'ok'; readonly guildIds: readonly string[] } | { readonly outcome: 'invalid-seq' | 'gone' };

/** Messages of a session actor. */
export type SessionMsg =
  /** Sends READY, attaches the guilds and sends one GUILD_CREATE per guild. */
  | { readonly type: 'start' }
  /** A dispatch from the relay (or GatewayService): gets the next `s`. */
  | { readonly type: 'deliver'; readonly frame: DispatchFrame }
  /** RESUME on a new connection: replays after `sequence` and answers 'resumed'; 'invalid-seq' when `sequence` is ahead of the session; 'gone' when the buffer no longer covers it. */
  | { readonly type: 'resume'; readonly transport: SessionTransport; readonly sequence: number; readonly reply: Reply<ResumeOutcome> }
  /** Another gateway node took a RESUME of this session: close the socket, keep buffering, answer the guilds. */
  | { readonly type: 'handoff-begin'; readonly sequence: number; readonly reply: Reply<HandoffBeginOutcome> }
  /** The other node attached the session: answer the dispatches after `sequence` and end here without detaching (undefined when the buffer no longer covers it). */
  | { readonly type: 'handoff-finish'; readonly sequence: number; readonly reply: Reply<readonly DispatchFrame[] | undefined> }
  /**
   * This node took the session over from another (RESUME landed here): attach its guilds (resuming), get the
   * old node's dispatches with `fetch`, send them and RESUMED, then release what the guilds sent meanwhile.
   * Answers false when the old node did not hand them over (the session ends; the client gets op 9).
   */
  | { readonly type: 'adopt'; readonly fetch: (movedGuildIds: readonly string[]) => Promise<readonly DispatchFrame[] | undefined>; readonly reply: Reply<boolean> }
  /** The connection closed; the session waits the resume window. */
  | { readonly type: 'transport-closed'; readonly transportId: number; readonly resumable: boolean }
  /** The resume window of the given epoch ran out. */
  | { readonly type: 'expire'; readonly epoch: number }
  /** op 3. */
  | { readonly type: 'presence'; readonly presence: SessionPresence }
  /** op 8. */
  | { readonly type: 'request-members'; readonly request: MemberRequest }
  /** op 4: join, move or leave a voice channel, self mute/deafen. */
  | { readonly type: 'voice-state'; readonly update: VoiceStateUpdate }
  /** op 14 / op 37. */
  | { readonly type: 'subscriptions'; readonly changes: readonly GuildSubscriptionChange[] }
  /** GatewayService.AttachUserToGuild: attach one more guild and send its GUILD_CREATE. */
  | { readonly type: 'attach-guild'; readonly guildId: string; readonly reply?: Reply<boolean> }
  /** The relay took a guild from the session (member removed, or the guild became unavailable). */
  | { readonly type: 'guild-removed'; readonly guildId: string }
  /** Node drain: op 7 RECONNECT, then close the connection (the session stays resumable). */
  | { readonly type: 'reconnect' }
  /** Ends the session: closes the connection with `code` and forgets the session. */
  | { readonly type: 'end'; readonly code: number; readonly reason: string };
