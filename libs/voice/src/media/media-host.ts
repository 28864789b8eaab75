/**
 * The internal seams between the node (socket, counters, ssrc registry), the
 * call actor and its members. Not exported from the lib.
 */
import type { DatagramOutcome, MediaNodeStats } from './counters';
import type { SilenceGate } from './silence';
import type { EncryptionMode, OpusFrame } from './types';

/** A UDP destination. */
export interface Remote {
  address: string;
  port: number;
}

/** What peers and calls need from their node. */
export interface MediaHost {
  /** The node's live counters (mutated in place). */
  readonly stats: MediaNodeStats;
  /** Modes a session may use. */
  readonly modes: readonly EncryptionMode[];
  /** Whether trailing silence beyond five frames is dropped. */
  readonly suppressSilence: boolean;
  /** Writes a datagram to the socket and counts its bytes. */
  send(packet: Buffer, remote: Remote): void;
  /** Called once when a member leaves: frees its ssrc, drops an empty call. */
  released(member: CallMember, room: CallRoom): void;
}

/** A member of a call as the call actor sees it (UDP peer or sink). */
export interface CallMember {
  readonly userId: string;
  readonly ssrc: number;
  readonly muted: boolean;
  readonly deafened: boolean;
  /** This member's run of silence frames as a speaker. */
  readonly silence: SilenceGate;
  /**
   * Hands the member a frame spoken by another member. `header` is the clear
   * 12-byte RTP header to send (speaker's ssrc, sequence, timestamp).
   * Returns true when something was delivered.
   */
  hear(header: Uint8Array, frame: OpusFrame): boolean;
  /** Leaves the call (idempotent). */
  leave(): void;
}

/** What members need from their call actor. */
export interface CallRoom {
  readonly guildId: string;
  readonly channelId: string;
  /** Forwards one authenticated frame from `from` to the other members. */
  forward(from: CallMember, frame: OpusFrame, marker: boolean): DatagramOutcome;
  /** Removes a member (it called leave). */
  remove(member: CallMember): void;
}
