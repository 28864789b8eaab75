/**
 * The SFU call actor of one (guild, channel): who is in the call, and the
 * forwarding rule. A speaker's frame was decrypted once by its peer; here it
 * is handed to every other member, each of which re-encrypts it with its own
 * key and nonce counter. The clear header keeps the speaker's ssrc, sequence
 * and timestamp so listeners map ssrc -> user (op 5 SPEAKING).
 *
 * All state changes happen synchronously inside one datagram's or one API
 * call's handler on the event loop, so the actor handles one message at a
 * time without a mailbox.
 */
import type { DatagramOutcome } from './counters';
import type { CallMember, CallRoom, MediaHost } from './media-host';
import { SinkMember, UdpPeer } from './media-peer';
import { RTP_HEADER_LENGTH, writeRtpHeader } from './rtp-header';
import type { OpusFrame } from './types';

/** The state of one call: its members by ssrc. */
export class CallState implements CallRoom {
  private readonly members = new Map<number, CallMember>();

  constructor(
    private readonly host: MediaHost,
    readonly guildId: string,
    readonly channelId: string,
  ) {}

  /** Number of members (UDP and sink). */
  get size(): number {
    return this.members.size;
  }

  /** Adds a UDP peer; an earlier member with the same user id is made to leave. */
  addUdp(userId: string, ssrc: number): UdpPeer {
    return this.admit(new UdpPeer(this.host, this, userId, ssrc));
  }

  /** Adds a sink peer; an earlier member with the same user id is made to leave. */
  addSink(userId: string, ssrc: number, deliver: (frame: OpusFrame) => void): SinkMember {
    return this.admit(new SinkMember(this.host, this, userId, ssrc, deliver));
  }

  /** True when `member` is currently in this call. */
  has(member: CallMember): boolean {
    return this.members.get(member.ssrc) === member;
  }

  // The newcomer goes in first, so evicting the old session never empties the call.
  private admit<T extends CallMember>(member: T): T {
    const previous = [...this.members.values()].filter((m) => m.userId === member.userId || m.ssrc === member.ssrc);
    this.members.set(member.ssrc, member);
    for (const old of previous) old.leave();
    return member;
  }

  /** The UDP peers of the call, in join order. */
  udpPeers(): UdpPeer[] {
    const out: UdpPeer[] = [];
    for (const member of this.members.values()) if (member instanceof UdpPeer) out.push(member);
    return out;
  }

  remove(member: CallMember): void {
    if (this.members.get(member.ssrc) === member) this.members.delete(member.ssrc);
  }

  forward(from: CallMember, frame: OpusFrame, marker: boolean): DatagramOutcome {
    if (from.muted) return 'muted';
    if (!from.silence.admit(frame.opus)) return 'silenceSuppressed';
    const header = new Uint8Array(RTP_HEADER_LENGTH);
    writeRtpHeader(header, { marker, sequence: frame.sequence, timestamp: frame.timestamp, ssrc: frame.ssrc });
    for (const member of this.members.values()) {
      if (member === from) continue;
      if (member.hear(header, frame)) this.host.stats.packetsForwarded++;
    }
    return 'accepted';
  }
}
