/**
 * The media contract between the voice gateway (WebSocket) and the media
 * layer (UDP + transport encryption + SFU forwarding). The voice gateway
 * imports these through `../media`.
 */

/** Discord voice transport encryption modes this server speaks. */
export type EncryptionMode = 'aead_aes256_gcm_rtpsize' | 'aead_xchacha20_poly1305_rtpsize';

/** Options for {@link createMediaNode}. */
export interface MediaNodeOptions {
  /** UDP bind address, e.g. '127.0.0.1' or '0.0.0.0'. */
  bindHost: string;
  /** UDP port; 0 = ephemeral. */
  port: number;
  /** The ip sent in voice READY. */
  advertisedIp: string;
  /** Offered in READY; default both (aes first). */
  modes?: readonly EncryptionMode[];
  /**
   * Forward at most 5 trailing Opus silence frames per talk spurt and drop
   * the rest (default true). Off forwards every silence frame.
   */
  suppressSilence?: boolean;
}

/** One UDP socket serving many calls: the SFU of one voice node. */
export interface MediaNode {
  /** Advertised ip. */
  readonly ip: string;
  /** Bound UDP port. */
  readonly port: number;
  /** Encryption modes offered in READY, preferred first. */
  readonly modes: readonly EncryptionMode[];
  /** A fresh ssrc, unique on this node, never 0. */
  allocateSsrc(): number;
  /** The call actor of (guild, channel), created on first use. */
  call(guildId: string, channelId: string): CallMedia;
  /** A snapshot of the node's packet counters. */
  counters(): MediaCounters;
  /** Closes the socket; idempotent. */
  close(): Promise<void>;
}

/** Packet counters of one media node (monotonic since creation). */
export interface MediaCounters {
  /** Every datagram received on the socket (any content). */
  packetsReceived: number;
  /** Encrypted RTP packets sent to a peer, plus frames delivered to sinks. */
  packetsForwarded: number;
  /** Bytes written to the socket (forwarded RTP and discovery replies). */
  bytesSent: number;
  /** Datagrams that were not a valid discovery, keepalive or RTP packet. */
  droppedMalformed: number;
  /** RTP packets whose tag did not verify, from the wrong address, or before startSession. */
  droppedUnauthenticated: number;
  /** RTP packets whose nonce counter was already seen or too old. */
  droppedReplayed: number;
  /** RTP packets / discovery requests whose ssrc no peer owns. */
  droppedUnknownSsrc: number;
  /** Valid packets from a muted speaker, not forwarded. */
  droppedMuted: number;
  /** Silence frames past the trailing five, not forwarded. */
  silenceSuppressed: number;
}

/** The call actor of one voice channel. */
export interface CallMedia {
  readonly guildId: string;
  readonly channelId: string;
  /** After the voice gateway's IDENTIFY: UDP IP discovery from this ssrc is answered from now on and binds the peer's address. */
  join(peer: { userId: string; ssrc: number }): MediaPeer;
  /** A peer whose media does not travel over our UDP socket (a WebRTC peer): it is handed decrypted Opus frames and injects its own. */
  joinSink(peer: { userId: string; ssrc: number; deliver(frame: OpusFrame): void }): SinkPeer;
  /** The UDP peers currently in the call (sink peers are not MediaPeers and are not listed). */
  peers(): readonly MediaPeer[];
}

/** One decrypted Opus frame with the RTP fields a listener needs. */
export interface OpusFrame {
  ssrc: number;
  sequence: number;
  timestamp: number;
  opus: Uint8Array;
}

/** What every peer of a call can do. */
export interface MediaPeerBase {
  readonly userId: string;
  readonly ssrc: number;
  /** Effective mute (server or self): its packets are not forwarded. */
  setMuted(muted: boolean): void;
  /** Effective deafen: it gets nothing. */
  setDeafened(deafened: boolean): void;
  /** Leaves the call; idempotent. */
  leave(): void;
}

/** A peer whose media travels over the node's UDP socket. */
export interface MediaPeer extends MediaPeerBase {
  readonly remote: { address: string; port: number } | null;
  /** After SELECT_PROTOCOL: packets are accepted only from here on, decrypted with this key. */
  startSession(mode: EncryptionMode, secretKey: Uint8Array /* 32 bytes */): void;
  /** From SELECT_PROTOCOL's data when discovery did not bind it. */
  setRemote(address: string, port: number): void;
}

/** A peer fed decrypted frames (WebRTC, later). */
export interface SinkPeer extends MediaPeerBase {
  /** Forwarded to the others as if it came in over UDP. */
  inject(frame: Omit<OpusFrame, 'ssrc'>): void;
}
