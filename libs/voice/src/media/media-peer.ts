/**
 * The two kinds of call member: a UDP peer (a Discord client: IP discovery,
 * a session key, replay window, its own outgoing nonce counter) and a sink
 * peer (media handed over in process, e.g. by a WebRTC bridge).
 */
import { isIP } from 'node:net';
import type { DatagramOutcome } from './counters';
import { InvalidRemoteError, InvalidSecretKeyError, UnsupportedModeError } from './errors';
import { buildDiscoveryResponse, plainAddress } from './ip-discovery';
import type { CallMember, CallRoom, MediaHost, Remote } from './media-host';
import { ReplayWindow } from './replay-window';
import { type RtpHeader, RTP_HEADER_LENGTH } from './rtp-header';
import { SilenceGate } from './silence';
import { openPacket, readNonceCounter, sealPacket } from './transport-crypto';
import type { EncryptionMode, MediaPeer, OpusFrame, SinkPeer } from './types';

interface Session {
  readonly mode: EncryptionMode;
  readonly key: Uint8Array;
  readonly replay: ReplayWindow;
  /** Last nonce counter we sent to this peer (first packet uses 1, as @discordjs/voice does). */
  outCounter: number;
}

abstract class MemberBase implements CallMember {
  muted = false;
  deafened = false;
  left = false;
  readonly silence: SilenceGate;

  constructor(
    protected readonly host: MediaHost,
    protected readonly room: CallRoom,
    readonly userId: string,
    readonly ssrc: number,
  ) {
    this.silence = new SilenceGate(host.suppressSilence);
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  setDeafened(deafened: boolean): void {
    this.deafened = deafened;
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.room.remove(this);
    this.host.released(this, this.room);
  }

  abstract hear(header: Uint8Array, frame: OpusFrame): boolean;
}

/** A Discord client whose media travels over the node's UDP socket. */
export class UdpPeer extends MemberBase implements MediaPeer, CallMember {
  private bound: Remote | null = null;
  private session: Session | null = null;

  /** The address packets are accepted from and sent to. */
  get remote(): { address: string; port: number } | null {
    return this.bound === null ? null : { ...this.bound };
  }

  startSession(mode: EncryptionMode, secretKey: Uint8Array): void {
    if (!this.host.modes.includes(mode)) throw new UnsupportedModeError(mode, this.host.modes);
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
      throw new InvalidSecretKeyError(secretKey instanceof Uint8Array ? secretKey.length : -1);
    }
    this.session = { mode, key: Uint8Array.from(secretKey), replay: new ReplayWindow(64), outCounter: 0 };
  }

  setRemote(address: string, port: number): void {
    const plain = plainAddress(address);
    if (isIP(plain) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new InvalidRemoteError(address, port);
    }
    this.bound = { address: plain, port };
  }

  private isBoundTo(address: string, port: number): boolean {
    return this.bound !== null && this.bound.port === port && this.bound.address === plainAddress(address);
  }

  /**
   * An IP discovery request for this ssrc. Before the session starts, it
   * (re)binds the peer's address; afterwards only the bound address is
   * answered, so knowing an ssrc (sent to everyone in SPEAKING) is not enough
   * to steal a peer's media.
   */
  onDiscovery(address: string, port: number): DatagramOutcome {
    if (this.left) return 'unknownSsrc';
    if (this.session !== null && this.bound !== null && !this.isBoundTo(address, port)) return 'unauthenticated';
    this.bound = { address: plainAddress(address), port };
    this.host.send(buildDiscoveryResponse(this.ssrc, address, port), this.bound);
    return 'discovery';
  }

  /** An RTP datagram carrying this peer's ssrc; `header` is its parsed clear part. */
  onRtp(packet: Buffer, header: RtpHeader, address: string, port: number): DatagramOutcome {
    if (this.left) return 'unknownSsrc';
    const session = this.session;
    if (session === null || !this.isBoundTo(address, port)) return 'unauthenticated';
    const counter = readNonceCounter(packet);
    if (counter === null) return 'malformed';
    if (!session.replay.check(counter)) return 'replayed';
    const plaintext = openPacket(session.mode, session.key, packet, header.aadLength);
    if (plaintext === null) return 'unauthenticated';
    session.replay.accept(counter);
    if (4 * header.extensionWords > plaintext.length) return 'malformed';
    let opus = plaintext.subarray(4 * header.extensionWords);
    if (header.padding) {
      const pad = opus[opus.length - 1] ?? 0;
      if (pad === 0 || pad > opus.length) return 'malformed';
      opus = opus.subarray(0, opus.length - pad);
    }
    const frame: OpusFrame = { ssrc: this.ssrc, sequence: header.sequence, timestamp: header.timestamp, opus };
    return this.room.forward(this, frame, header.marker);
  }

  override hear(header: Uint8Array, frame: OpusFrame): boolean {
    const session = this.session;
    const bound = this.bound;
    if (this.left || this.deafened || session === null || bound === null) return false;
    session.outCounter = session.outCounter >= 0xffffffff ? 0 : session.outCounter + 1;
    this.host.send(sealPacket(session.mode, session.key, header.subarray(0, RTP_HEADER_LENGTH), frame.opus, session.outCounter), bound);
    return true;
  }
}

/** A member fed decrypted Opus frames in process (WebRTC later). */
export class SinkMember extends MemberBase implements SinkPeer, CallMember {
  constructor(
    host: MediaHost,
    room: CallRoom,
    userId: string,
    ssrc: number,
    private readonly deliver: (frame: OpusFrame) => void,
  ) {
    super(host, room, userId, ssrc);
  }

  inject(frame: Omit<OpusFrame, 'ssrc'>): void {
    const stats = this.host.stats;
    stats.framesInjected++;
    if (this.left) return;
    const valid =
      frame !== null &&
      typeof frame === 'object' &&
      frame.opus instanceof Uint8Array &&
      Number.isInteger(frame.sequence) &&
      Number.isInteger(frame.timestamp);
    if (!valid) {
      stats.droppedMalformed++;
      return;
    }
    const outcome = this.room.forward(
      this,
      { ssrc: this.ssrc, sequence: frame.sequence & 0xffff, timestamp: frame.timestamp >>> 0, opus: frame.opus },
      false,
    );
    if (outcome === 'muted') stats.droppedMuted++;
    else if (outcome === 'silenceSuppressed') stats.silenceSuppressed++;
  }

  override hear(_header: Uint8Array, frame: OpusFrame): boolean {
    if (this.left || this.deafened) return false;
    try {
      this.deliver({ ssrc: frame.ssrc, sequence: frame.sequence, timestamp: frame.timestamp, opus: Uint8Array.from(frame.opus) });
    } catch {
      // A sink's failure must not stop forwarding to the others.
    }
    return true;
  }
}
