/**
 * One outgoing RTP stream made from many incoming ones: the browser gets a
 * single server-side audio track, so the frames of whoever speaks are
 * renumbered onto one monotonic sequence and timestamp line.
 */
import { randomInt } from 'node:crypto';

/** The RTP fields of an incoming frame that decide its place on the outgoing line. */
export interface IncomingRtp {
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
}

/** Where a frame goes on the outgoing stream. */
export interface RewrittenRtp {
  readonly sequence: number;
  readonly timestamp: number;
  /** Set on the first packet after a source switch or a gap (RFC 3551: start of a talk spurt). */
  readonly marker: boolean;
}

/** Opus at 48 kHz: one 20 ms frame. */
const FRAME_SAMPLES = 960;
/** A sequence step larger than this (50 frames, 1 s of 20 ms frames) is a discontinuity, not loss. */
const MAX_SEQUENCE_STEP = 50;
/** A timestamp step larger than this (5 s at 48 kHz) is a discontinuity too. */
const MAX_TIMESTAMP_STEP = 5 * 48_000;

/**
 * Rewrites (ssrc, sequence, timestamp) of forwarded frames so the outgoing
 * stream never runs backwards. Within one source the original spacing is
 * kept (loss stays visible to the receiver's jitter buffer); on a switch of
 * source, or a jump within one, the sequence advances by one and the
 * timestamp by the wall-clock time since the last packet (at least one
 * frame). Duplicates and late (reordered) packets of the current source are
 * dropped: `next` returns null for them.
 */
export class RtpRewriter {
  private sequence: number;
  private timestamp: number;
  private last: { ssrc: number; sequence: number; timestamp: number; at: number } | null = null;

  constructor(
    /** Milliseconds, monotonic. */
    private readonly now: () => number = () => performance.now(),
    start: { sequence: number; timestamp: number } = { sequence: randomInt(0x10000), timestamp: randomInt(0x100000000) },
  ) {
    this.sequence = start.sequence & 0xffff;
    this.timestamp = start.timestamp >>> 0;
  }

  /** The outgoing place of `frame`, or null when it must not be sent (duplicate or late). */
  next(frame: IncomingRtp): RewrittenRtp | null {
    const at = this.now();
    const last = this.last;
    let marker = false;
    if (last === null) {
      marker = true;
    } else {
      const sequenceStep = (frame.sequence - last.sequence) & 0xffff;
      const timestampStep = (frame.timestamp - last.timestamp) >>> 0;
      const sameSource = frame.ssrc === last.ssrc;
      if (sameSource && (sequenceStep === 0 || sequenceStep >= 0x8000)) return null;
      if (sameSource && sequenceStep <= MAX_SEQUENCE_STEP && timestampStep > 0 && timestampStep <= MAX_TIMESTAMP_STEP) {
        this.sequence = (this.sequence + sequenceStep) & 0xffff;
        this.timestamp = (this.timestamp + timestampStep) >>> 0;
      } else {
        const elapsedSamples = Math.round((at - last.at) * 48);
        this.sequence = (this.sequence + 1) & 0xffff;
        this.timestamp = (this.timestamp + Math.max(FRAME_SAMPLES, elapsedSamples)) >>> 0;
        marker = true;
      }
    }
    this.last = { ssrc: frame.ssrc, sequence: frame.sequence & 0xffff, timestamp: frame.timestamp >>> 0, at };
    return { sequence: this.sequence, timestamp: this.timestamp, marker };
  }
}
