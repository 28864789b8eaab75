import type { MediaCounters } from './types';

/**
 * The contract's counters plus the "accepted" buckets, so that every datagram
 * lands in exactly one bucket:
 *
 *     packetsReceived = keepalivesReceived + discoveryAnswered + packetsAccepted
 *       + droppedMalformed + droppedUnauthenticated + droppedReplayed
 *       + droppedUnknownSsrc + droppedMuted + silenceSuppressed
 *
 * (frames injected by sink peers are counted in `framesInjected`, and in
 * droppedMuted/silenceSuppressed when dropped, so the identity holds while
 * no sink injects).
 */
export interface MediaNodeStats extends MediaCounters {
  /** 8-byte keepalive datagrams (accepted and ignored). */
  keepalivesReceived: number;
  /** IP discovery requests answered. */
  discoveryAnswered: number;
  /** Authenticated RTP packets handed to their call (forwarded to zero or more peers). */
  packetsAccepted: number;
  /** Frames injected by sink peers. */
  framesInjected: number;
  /** `socket.send` calls that reported an error. */
  sendErrors: number;
}

/** A fresh all-zero stats record. */
export function emptyStats(): MediaNodeStats {
  return {
    packetsReceived: 0,
    packetsForwarded: 0,
    bytesSent: 0,
    droppedMalformed: 0,
    droppedUnauthenticated: 0,
    droppedReplayed: 0,
    droppedUnknownSsrc: 0,
    droppedMuted: 0,
    silenceSuppressed: 0,
    keepalivesReceived: 0,
    discoveryAnswered: 0,
    packetsAccepted: 0,
    framesInjected: 0,
    sendErrors: 0,
  };
}

/** The bucket a received datagram ended in (see {@link MediaNodeStats}). */
export type DatagramOutcome =
  | 'keepalive'
  | 'discovery'
  | 'accepted'
  | 'malformed'
  | 'unauthenticated'
  | 'replayed'
  | 'unknownSsrc'
  | 'muted'
  | 'silenceSuppressed';

/** Adds one datagram to the bucket of its outcome. */
export function countOutcome(stats: MediaNodeStats, outcome: DatagramOutcome): void {
  switch (outcome) {
    case 'keepalive':
      stats.keepalivesReceived++;
      return;
    case 'discovery':
      stats.discoveryAnswered++;
      return;
    case 'accepted':
      stats.packetsAccepted++;
      return;
    case 'malformed':
      stats.droppedMalformed++;
      return;
    case 'unauthenticated':
      stats.droppedUnauthenticated++;
      return;
    case 'replayed':
      stats.droppedReplayed++;
      return;
    case 'unknownSsrc':
      stats.droppedUnknownSsrc++;
      return;
    case 'muted':
      stats.droppedMuted++;
      return;
    case 'silenceSuppressed':
      stats.silenceSuppressed++;
      return;
  }
}

/** The sum of all bucket counters; equals packetsReceived when no sink injected. */
export function bucketTotal(stats: MediaNodeStats): number {
  return (
    stats.keepalivesReceived +
    stats.discoveryAnswered +
    stats.packetsAccepted +
    stats.droppedMalformed +
    stats.droppedUnauthenticated +
    stats.droppedReplayed +
    stats.droppedUnknownSsrc +
    stats.droppedMuted +
    stats.silenceSuppressed
  );
}
