/**
 * One voice node's UDP socket: classifies every datagram (keepalive, IP
 * discovery, RTP), routes RTP to its peer by ssrc, owns the ssrc registry,
 * the call actors and the counters. Every datagram handler is total: bad
 * bytes bump a counter, nothing throws out of the socket's message event.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { CallState } from './call-media';
import { countOutcome, type DatagramOutcome, emptyStats, type MediaNodeStats } from './counters';
import {
  InvalidSsrcError,
  MediaBindError,
  MediaNodeClosedError,
  SsrcExhaustedError,
  SsrcInUseError,
  UnsupportedModeError,
} from './errors';
import { parseDiscoveryRequest } from './ip-discovery';
import type { CallMember, CallRoom, MediaHost, Remote } from './media-host';
import { UdpPeer } from './media-peer';
import { OPUS_PAYLOAD_TYPE, parseRtpHeader } from './rtp-header';
import { ALL_MODES, isEncryptionMode, NONCE_SUFFIX_LENGTH, TAG_LENGTH } from './transport-crypto';
import type { CallMedia, EncryptionMode, MediaNode, MediaNodeOptions, MediaPeer, OpusFrame, SinkPeer } from './types';

/** @discordjs/voice's keepalive: an 8-byte counter every 5 s. */
const KEEPALIVE_LENGTH = 8;

/** The media node behind {@link createMediaNode}; `counters()` also returns the accepted buckets. */
export class UdpMediaNode implements MediaNode, MediaHost {
  readonly stats: MediaNodeStats = emptyStats();
  readonly suppressSilence: boolean;
  private readonly calls = new Map<string, CallState>();
  private readonly udpPeers = new Map<number, UdpPeer>();
  private readonly owners = new Map<number, CallMember>();
  private readonly reserved = new Set<number>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly ip: string,
    readonly port: number,
    readonly modes: readonly EncryptionMode[],
    suppressSilence: boolean,
  ) {
    this.suppressSilence = suppressSilence;
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    socket.on('error', () => {
      this.stats.sendErrors++;
    });
  }

  /** Binds the socket and starts serving. */
  static async open(options: MediaNodeOptions): Promise<UdpMediaNode> {
    const modes = options.modes ?? ALL_MODES;
    for (const mode of modes) if (!isEncryptionMode(mode)) throw new UnsupportedModeError(mode, ALL_MODES);
    const socket = createSocket(isIPv6(options.bindHost) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port, options.bindHost, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      socket.close();
      throw new MediaBindError(options.bindHost, options.port, { cause: error });
    }
    return new UdpMediaNode(socket, options.advertisedIp, socket.address().port, [...modes], options.suppressSilence ?? true);
  }

  allocateSsrc(): number {
    this.assertOpen();
    for (let attempt = 0; attempt < 1000; attempt++) {
      const ssrc = randomInt(1, 0x1_0000_0000);
      if (ssrc !== 0 && !this.reserved.has(ssrc) && !this.owners.has(ssrc)) {
        this.reserved.add(ssrc);
        return ssrc;
      }
    }
    throw new SsrcExhaustedError(this.reserved.size + this.owners.size);
  }

  call(guildId: string, channelId: string): CallMedia {
    this.assertOpen();
    return new CallHandle(this, guildId, channelId);
  }

  /** A snapshot of the counters (the contract's fields plus the accepted buckets). */
  counters(): MediaNodeStats {
    return { ...this.stats };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const owner of [...this.owners.values()]) owner.leave();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /** The live state of a call, created when `create` is set. */
  callState(guildId: string, channelId: string, create: true): CallState;
  callState(guildId: string, channelId: string, create: false): CallState | undefined;
  callState(guildId: string, channelId: string, create: boolean): CallState | undefined {
    const key = `${guildId}\u0000${channelId}`;
    let state = this.calls.get(key);
    if (state === undefined && create) {
      state = new CallState(this, guildId, channelId);
      this.calls.set(key, state);
    }
    return state;
  }

  /** Checks the ssrc is usable by `userId` (a member of the same user in the same call may be replaced). */
  claim(ssrc: number, userId: string, call: CallState): void {
    this.assertOpen();
    if (!Number.isInteger(ssrc) || ssrc < 1 || ssrc > 0xffffffff) throw new InvalidSsrcError(ssrc);
    const owner = this.owners.get(ssrc);
    if (owner === undefined) return;
    if (owner.userId === userId && call.has(owner)) return;
    throw new SsrcInUseError(ssrc, owner.userId);
  }

  /** Registers a new member's ssrc. */
  registered(member: CallMember): void {
    const previous = this.owners.get(member.ssrc);
    if (previous !== undefined && previous !== member) previous.leave();
    this.owners.set(member.ssrc, member);
    this.reserved.delete(member.ssrc);
    if (member instanceof UdpPeer) this.udpPeers.set(member.ssrc, member);
  }

  released(member: CallMember, room: CallRoom): void {
    if (this.owners.get(member.ssrc) === member) this.owners.delete(member.ssrc);
    if (this.udpPeers.get(member.ssrc) === member) this.udpPeers.delete(member.ssrc);
    this.reserved.delete(member.ssrc);
    const state = this.callState(room.guildId, room.channelId, false);
    if (state !== undefined && state.size === 0) this.calls.delete(`${room.guildId}\u0000${room.channelId}`);
  }

  send(packet: Buffer, remote: Remote): void {
    if (this.closed) return;
    this.stats.bytesSent += packet.length;
    try {
      this.socket.send(packet, remote.port, remote.address, (error) => {
        if (error) this.stats.sendErrors++;
      });
    } catch {
      this.stats.sendErrors++;
    }
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.packetsReceived++;
    let outcome: DatagramOutcome;
    try {
      outcome = this.classify(msg, rinfo);
    } catch {
      outcome = 'malformed';
    }
    countOutcome(this.stats, outcome);
  }

  private classify(msg: Buffer, rinfo: RemoteInfo): DatagramOutcome {
    if (msg.length === KEEPALIVE_LENGTH) return 'keepalive';
    const discoverySsrc = parseDiscoveryRequest(msg);
    if (discoverySsrc !== null) {
      const peer = this.udpPeers.get(discoverySsrc);
      return peer === undefined ? 'unknownSsrc' : peer.onDiscovery(rinfo.address, rinfo.port);
    }
    const header = parseRtpHeader(msg);
    if (header === null || header.payloadType !== OPUS_PAYLOAD_TYPE) return 'malformed';
    if (msg.length < header.aadLength + TAG_LENGTH + NONCE_SUFFIX_LENGTH) return 'malformed';
    const peer = this.udpPeers.get(header.ssrc);
    if (peer === undefined) return 'unknownSsrc';
    return peer.onRtp(msg, header, rinfo.address, rinfo.port);
  }

  private assertOpen(): void {
    if (this.closed) throw new MediaNodeClosedError();
  }
}

/** The contract's CallMedia: a handle that finds (or recreates) the call's state on each use. */
class CallHandle implements CallMedia {
  constructor(
    private readonly node: UdpMediaNode,
    readonly guildId: string,
    readonly channelId: string,
  ) {}

  join(peer: { userId: string; ssrc: number }): MediaPeer {
    const state = this.node.callState(this.guildId, this.channelId, true);
    this.node.claim(peer.ssrc, peer.userId, state);
    const member = state.addUdp(peer.userId, peer.ssrc);
    this.node.registered(member);
    return member;
  }

  joinSink(peer: { userId: string; ssrc: number; deliver(frame: OpusFrame): void }): SinkPeer {
    const state = this.node.callState(this.guildId, this.channelId, true);
    this.node.claim(peer.ssrc, peer.userId, state);
    const member = state.addSink(peer.userId, peer.ssrc, (frame) => peer.deliver(frame));
    this.node.registered(member);
    return member;
  }

  peers(): readonly MediaPeer[] {
    return this.node.callState(this.guildId, this.channelId, false)?.udpPeers() ?? [];
  }
}

/** Binds one UDP socket for a voice node and serves IP discovery and RTP forwarding on it. */
export function createMediaNode(options: MediaNodeOptions): Promise<MediaNode> {
  return UdpMediaNode.open(options);
}
