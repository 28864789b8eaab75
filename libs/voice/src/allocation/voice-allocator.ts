import { ParticipantNotFoundError } from '../errors';
import { CallRegistry, effectiveDeaf, effectiveMute, type Seat } from './call-registry';
import type { SeatClaim, TokenStore } from './token-store';

/** Close code sent to a voice connection removed by RevokeSession (Discord's "disconnected"). */
export const REVOKED_CLOSE_CODE = 4014;

/** What AllocateServer returns. */
export interface Allocation {
  readonly endpoint: string;
  readonly token: string;
  readonly expiresAt: Date;
  readonly voiceNodeId: string;
}

/** Mute and deafen of a participant as UpdateParticipant sets them. */
export interface ParticipantFlags {
  mute: boolean;
  deaf: boolean;
  selfMute: boolean;
  selfDeaf: boolean;
}

/** One participant as GetCall reports it. */
export interface ParticipantView {
  userId: string;
  sessionId: string;
  ssrc: number;
  connected: boolean;
  speaking: boolean;
  muted: boolean;
  deafened: boolean;
}

/**
 * The VoiceService behaviour of one voice node, behind the gRPC handlers:
 * hands out seats and single-use tokens, removes sessions, sets mute and
 * deafen, describes calls. Ids arrive validated.
 */
export class VoiceAllocator {
  constructor(
    private readonly options: {
      tokens: TokenStore;
      registry: CallRegistry;
      /** host:port of the voice gateway, read at call time (the port may be chosen by the OS). */
      endpoint: () => string;
      nodeId: string;
    },
  ) {}

  /** Reserves a seat and issues its token; a second call for the same session replaces the token. */
  allocate(claim: SeatClaim): Allocation {
    const { token, expiresAt } = this.options.tokens.issue(claim);
    this.options.registry.seatFor(claim);
    return { endpoint: this.options.endpoint(), token, expiresAt, voiceNodeId: this.options.nodeId };
  }

  /**
   * Revokes a user's unused tokens and ends its voice sessions in the guild
   * (close code 4014); returns tokens revoked plus connections ended.
   */
  revoke(guildId: string, userId: string, sessionId: string): number {
    let count = this.options.tokens.revoke(guildId, userId, sessionId).length;
    for (const seat of this.options.registry.seatsOfUser(guildId, userId, sessionId)) {
      if (seat.link) {
        seat.link.end(REVOKED_CLOSE_CODE, 'disconnected');
        count += 1;
      }
      this.options.registry.remove(seat);
    }
    return count;
  }

  /** Sets the flags of every seat the user holds in the call and applies the effective state to its media. */
  update(guildId: string, channelId: string, userId: string, flags: ParticipantFlags): void {
    const seats = this.live(guildId, channelId).filter((seat) => seat.userId === userId);
    if (seats.length === 0) throw new ParticipantNotFoundError(guildId, channelId, userId);
    for (const seat of seats) {
      Object.assign(seat, flags);
      seat.link?.applyMedia(effectiveMute(seat), effectiveDeaf(seat));
    }
  }

  /** Participants with a pending token or a voice session, in join order. */
  describe(guildId: string, channelId: string): ParticipantView[] {
    return this.live(guildId, channelId).map((seat) => ({
      userId: seat.userId,
      sessionId: seat.sessionId,
      ssrc: seat.ssrc,
      connected: seat.connected,
      speaking: seat.speaking,
      muted: effectiveMute(seat),
      deafened: effectiveDeaf(seat),
    }));
  }

  /** Drops the seats whose token expired unused, in every call; returns how many went. */
  sweep(): number {
    let dropped = 0;
    for (const { guildId, channelId } of this.options.registry.calls()) {
      const before = this.options.registry.seats(guildId, channelId).length;
      dropped += before - this.live(guildId, channelId).length;
    }
    return dropped;
  }

  /** The call's seats that still count: a voice session, or a token not yet used or expired. Stale seats are dropped. */
  private live(guildId: string, channelId: string): Seat[] {
    const { registry, tokens } = this.options;
    const live: Seat[] = [];
    for (const seat of registry.seats(guildId, channelId)) {
      const pending = tokens.pending(seat.userId, seat.sessionId);
      if (seat.link || (pending && pending.guildId === guildId && pending.channelId === channelId)) live.push(seat);
      else registry.remove(seat);
    }
    return live;
  }
}
