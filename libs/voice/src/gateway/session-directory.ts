import type { VoiceSession } from './voice-session';

function callKey(guildId: string, channelId: string): string {
  return `${guildId}/${channelId}`;
}

/**
 * The voice sessions of this node: by call (who hears whose SPEAKING and
 * CLIENT_DISCONNECT) and by the token they identified with (for RESUME).
 */
export class SessionDirectory {
  private readonly rooms = new Map<string, Set<VoiceSession>>();
  private readonly byToken = new Map<string, VoiceSession>();

  /** Adds a session that reached READY. */
  add(session: VoiceSession): void {
    const key = callKey(session.seat.guildId, session.seat.channelId);
    let room = this.rooms.get(key);
    if (!room) {
      room = new Set();
      this.rooms.set(key, room);
    }
    room.add(session);
    this.byToken.set(session.token, session);
  }

  /** Removes an ended session. Idempotent. */
  remove(session: VoiceSession): void {
    const key = callKey(session.seat.guildId, session.seat.channelId);
    const room = this.rooms.get(key);
    room?.delete(session);
    if (room?.size === 0) this.rooms.delete(key);
    if (this.byToken.get(session.token) === session) this.byToken.delete(session.token);
  }

  /** The other sessions of a session's call, in join order. */
  others(session: VoiceSession): VoiceSession[] {
    const room = this.rooms.get(callKey(session.seat.guildId, session.seat.channelId));
    return room ? [...room].filter((other) => other !== session) : [];
  }

  /** The session that identified with `token`, for RESUME. */
  byResumeToken(token: string): VoiceSession | undefined {
    return this.byToken.get(token);
  }

  /** Every live session (connected or inside its resume grace). */
  all(): VoiceSession[] {
    return [...this.byToken.values()];
  }
}
