/**
 * RTP header layout (RFC 3550) as Discord voice uses it:
 *
 *     0: V(2) P(1) X(1) CC(4)   1: M(1) PT(7)   2-3: sequence   4-7: timestamp
 *     8-11: ssrc   12..: CSRC list (4*CC)   then, when X: profile(2) length(2)
 *
 * With the `_rtpsize` modes the associated data is everything up to and
 * including the 4-byte extension header; the extension body (4*length bytes)
 * is encrypted together with the Opus payload.
 */

/** Fixed RTP header length. */
export const RTP_HEADER_LENGTH = 12;
/** Opus payload type used by Discord. */
export const OPUS_PAYLOAD_TYPE = 120;

/** The fields of a parsed RTP header. */
export interface RtpHeader {
  /** Marker bit. */
  marker: boolean;
  /** Payload type (7 bits). */
  payloadType: number;
  /** Padding bit: the last plaintext byte counts padding bytes. */
  padding: boolean;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit timestamp. */
  timestamp: number;
  /** 32-bit synchronisation source. */
  ssrc: number;
  /**
   * Bytes of associated data: 12 + 4*CC, plus 4 when the X bit is set.
   * The encrypted part starts here.
   */
  aadLength: number;
  /** Words (4 bytes) of extension body at the start of the plaintext; 0 without X. */
  extensionWords: number;
}

/** True when the datagram's first byte says RTP version 2. */
export function isRtpVersion2(packet: Uint8Array): boolean {
  return packet.length > 0 && ((packet[0] ?? 0) & 0xc0) === 0x80;
}

/**
 * Parses the clear part of an RTP packet. Returns null when the packet is
 * too short for its own header or is not version 2. Never throws.
 */
export function parseRtpHeader(packet: Uint8Array): RtpHeader | null {
  if (packet.length < RTP_HEADER_LENGTH || !isRtpVersion2(packet)) return null;
  const b0 = packet[0] ?? 0;
  const b1 = packet[1] ?? 0;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let aadLength = RTP_HEADER_LENGTH + 4 * (b0 & 0x0f);
  let extensionWords = 0;
  if ((b0 & 0x10) !== 0) {
    if (packet.length < aadLength + 4) return null;
    extensionWords = view.getUint16(aadLength + 2);
    aadLength += 4;
  } else if (packet.length < aadLength) {
    return null;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    padding: (b0 & 0x20) !== 0,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    aadLength,
    extensionWords,
  };
}

/** Fields written by {@link writeRtpHeader}. */
export interface RtpHeaderFields {
  marker?: boolean;
  payloadType?: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/**
 * Writes a plain 12-byte header (V=2, no padding, no extension, no CSRC) into
 * `target` at offset 0. This is the header @discordjs/voice sends and the
 * one it can decrypt (it ignores CC).
 */
export function writeRtpHeader(target: Uint8Array, fields: RtpHeaderFields): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  target[0] = 0x80;
  target[1] = (fields.marker === true ? 0x80 : 0) | ((fields.payloadType ?? OPUS_PAYLOAD_TYPE) & 0x7f);
  view.setUint16(2, fields.sequence & 0xffff);
  view.setUint32(4, fields.timestamp >>> 0);
  view.setUint32(8, fields.ssrc >>> 0);
}
