import type { SeatClaim } from './token-store';

/** How the voice gateway lets the allocation side act on a live connection. */
export interface SeatLink {
  /** Ends the participant's voice session: closes its socket with `code`, stops its media, tells the others. */
  end(code: number, reason: string): void;
  /** Applies the effective mute and deafen to the media peer. */
  applyMedia(muted: boolean, deafened: boolean): void;
}

/** One participant of a call: a seat from AllocateServer, then a voice connection. */
export interface Seat {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly sessionId: string;
  /** 0 until the voice gateway's READY. */
  ssrc: number;
  /** True while the voice WebSocket is open. */
  connected: boolean;
  speaking: boolean;
  mute: boolean;
  deaf: boolean;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Set while a voice session (connected or inside its resume grace) holds the seat. */
  link: SeatLink | undefined;
}

/** Effective mute: server mute or self mute. */
export function effectiveMute(seat: Seat): boolean {
  return seat.mute || seat.selfMute;
}

/** Effective deafen: server deafen or self deafen. */
export function effectiveDeaf(seat: Seat): boolean {
  return seat.deaf || seat.selfDeaf;
}

function callKey(guildId: string, channelId: string): string {
  return `${guildId}/${channelId}`;
}

function sessionKey(userId: string, sessionId: string): string {
  return `${userId}/${sessionId}`;
}

/**
 * The calls of this voice node and their seats, in join order. Plain
 * synchronous state on the event loop: every change is one uninterrupted
 * function call, so a call's state is only ever touched one message at a time.
 */
export class CallRegistry {
  private readonly byCall = new Map<string, Map<string, Seat>>();

  /**
   * The seat of a claim, created when new. A session that held a seat without
   * a connection in another channel of the guild moves: that seat goes.
   */
  seatFor(claim: SeatClaim): Seat {
    const key = sessionKey(claim.userId, claim.sessionId);
    for (const [ck, seats] of this.byCall) {
      if (ck === callKey(claim.guildId, claim.channelId)) continue;
      const other = seats.get(key);
      if (other && other.guildId === claim.guildId && other.link === undefined) this.remove(other);
    }
    let seats = this.byCall.get(callKey(claim.guildId, claim.channelId));
    if (!seats) {
      seats = new Map();
      this.byCall.set(callKey(claim.guildId, claim.channelId), seats);
    }
    let seat = seats.get(key);
    if (!seat) {
      seat = {
        guildId: claim.guildId,
        channelId: claim.channelId,
        userId: claim.userId,
        sessionId: claim.sessionId,
        ssrc: 0,
        connected: false,
        speaking: false,
        mute: false,
        deaf: false,
        selfMute: false,
        selfDeaf: false,
        link: undefined,
      };
      seats.set(key, seat);
    }
    return seat;
  }

  /** The seats of a call in join order (empty for an unknown call). */
  seats(guildId: string, channelId: string): Seat[] {
    return [...(this.byCall.get(callKey(guildId, channelId))?.values() ?? [])];
  }

  /** A user's seats in a guild's calls: one session, or every session when `sessionId` is empty. */
  seatsOfUser(guildId: string, userId: string, sessionId: string): Seat[] {
    const found: Seat[] = [];
    for (const seats of this.byCall.values()) {
      for (const seat of seats.values()) {
        if (seat.guildId !== guildId || seat.userId !== userId) continue;
        if (sessionId !== '' && seat.sessionId !== sessionId) continue;
        found.push(seat);
      }
    }
    return found;
  }

  /** Removes a seat; the call goes when its last seat does. Idempotent. */
  remove(seat: Seat): void {
    const ck = callKey(seat.guildId, seat.channelId);
    const seats = this.byCall.get(ck);
    if (!seats || seats.get(sessionKey(seat.userId, seat.sessionId)) !== seat) return;
    seats.delete(sessionKey(seat.userId, seat.sessionId));
    if (seats.size === 0) this.byCall.delete(ck);
  }

  /** Every call with at least one seat, as (guild, channel). */
  calls(): Array<{ guildId: string; channelId: string }> {
    const calls: Array<{ guildId: string; channelId: string }> = [];
    for (const seats of this.byCall.values()) {
      const first = seats.values().next().value;
      if (first) calls.push({ guildId: first.guildId, channelId: first.channelId });
    }
    return calls;
  }

  /** Number of calls with at least one seat. */
  get callCount(): number {
    return this.byCall.size;
  }
}
