/**
 * The client side of Discord voice's UDP wire, written for the voice
 * benchmark independently of libs/voice (so the benchmark's clients also
 * check the server's bytes): IP discovery requests, RTP sealed with the two
 * `_rtpsize` AEAD modes, opening what comes back, and the Opus frames the
 * benchmark sends (a voice frame that carries its send time, and the Opus
 * silence frame F8 FF FE).
 *
 *     datagram = 12-byte RTP header (the AAD) | ciphertext | 16-byte tag | 4-byte BE nonce counter
 *     nonce    = the counter, then zeros (12 bytes for AES-GCM, 24 for XChaCha20-Poly1305)
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';

/** The two modes the media node speaks. */
export type VoiceMode = 'aead_aes256_gcm_rtpsize' | 'aead_xchacha20_poly1305_rtpsize';

/** Bytes of the plain RTP header the clients send. */
export const RTP_HEADER_BYTES = 12;
/** AEAD tag plus the trailing nonce counter. */
export const SEAL_OVERHEAD_BYTES = 16 + 4;
/** Bytes of a voice frame's Opus payload (a 20 ms frame of speech at ~32 kbit/s). */
export const VOICE_FRAME_BYTES = 80;
/** The Opus silence frame clients send when they stop talking. */
export const SILENCE_FRAME = Uint8Array.of(0xf8, 0xff, 0xfe);
/** Size of an IP discovery datagram. */
export const DISCOVERY_BYTES = 74;

const FILLER = Uint8Array.from({ length: VOICE_FRAME_BYTES }, (_, i) => (i * 151 + 17) & 0xff);

/**
 * An 80-byte Opus-shaped voice frame: a TOC byte (0x78: hybrid fullband,
 * 20 ms, one frame), then `sentAt` (a performance.now() value) as a float64,
 * then fixed filler. The server forwards the payload unchanged, so a listener
 * in the same process reads the send time back after decrypting.
 */
export function voiceFrame(sentAt: number): Uint8Array {
  const frame = Uint8Array.from(FILLER);
  frame[0] = 0x78;
  new DataView(frame.buffer).setFloat64(1, sentAt);
  return frame;
}

/** The send time carried by a {@link voiceFrame}, or null for any other payload (silence). */
export function sentAtOf(opus: Uint8Array): number | null {
  if (opus.length !== VOICE_FRAME_BYTES || opus[0] !== 0x78) return null;
  return new DataView(opus.buffer, opus.byteOffset, opus.byteLength).getFloat64(1);
}

/** A discovery request for `ssrc` (type 1, length 70, address and port zero). */
export function discoveryRequest(ssrc: number): Buffer {
  const out = Buffer.alloc(DISCOVERY_BYTES);
  out.writeUInt16BE(1, 0);
  out.writeUInt16BE(70, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  return out;
}

/** The ssrc of a discovery response (type 2), or null when `packet` is not one. */
export function discoveryResponseSsrc(packet: Buffer): number | null {
  if (packet.length !== DISCOVERY_BYTES || packet.readUInt16BE(0) !== 2) return null;
  return packet.readUInt32BE(4);
}

function nonce(mode: VoiceMode, counter: number): Uint8Array {
  const out = new Uint8Array(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  new DataView(out.buffer).setUint32(0, counter >>> 0);
  return out;
}

/** Seals one Opus frame as an RTP datagram (payload type 120) from `ssrc`. */
export function sealRtp(mode: VoiceMode, key: Uint8Array, rtp: { ssrc: number; sequence: number; timestamp: number; counter: number }, opus: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + opus.length + SEAL_OVERHEAD_BYTES);
  out[0] = 0x80;
  out[1] = 120;
  out.writeUInt16BE(rtp.sequence & 0xffff, 2);
  out.writeUInt32BE(rtp.timestamp >>> 0, 4);
  out.writeUInt32BE(rtp.ssrc >>> 0, 8);
  const header = out.subarray(0, RTP_HEADER_BYTES);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(mode, rtp.counter), { authTagLength: 16 });
    cipher.setAAD(header);
    const body = cipher.update(opus);
    cipher.final();
    out.set(body, RTP_HEADER_BYTES);
    out.set(cipher.getAuthTag(), RTP_HEADER_BYTES + opus.length);
  } else {
    out.set(xchacha20poly1305(key, nonce(mode, rtp.counter), header).encrypt(opus), RTP_HEADER_BYTES);
  }
  out.writeUInt32BE(rtp.counter >>> 0, out.length - 4);
  return out;
}

/** The ssrc in an RTP datagram's header (no checks beyond the length). */
export function rtpSsrc(packet: Buffer): number | null {
  return packet.length < RTP_HEADER_BYTES ? null : packet.readUInt32BE(8);
}

/**
 * Opens an RTP datagram sealed with `key`: the Opus payload (extension body
 * skipped), or null when it is not RTP or does not authenticate.
 */
export function openRtp(mode: VoiceMode, key: Uint8Array, packet: Buffer): Uint8Array | null {
  if (packet.length < RTP_HEADER_BYTES + SEAL_OVERHEAD_BYTES || ((packet[0] ?? 0) & 0xc0) !== 0x80) return null;
  const b0 = packet[0] ?? 0;
  let aad = RTP_HEADER_BYTES + 4 * (b0 & 0x0f);
  const extension = (b0 & 0x10) !== 0;
  const extensionWords = extension && packet.length >= aad + 4 ? packet.readUInt16BE(aad + 2) : 0;
  if (extension) aad += 4;
  const tagEnd = packet.length - 4;
  if (tagEnd - 16 < aad) return null;
  const counter = packet.readUInt32BE(tagEnd);
  try {
    let plain: Uint8Array;
    if (mode === 'aead_aes256_gcm_rtpsize') {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce(mode, counter), { authTagLength: 16 });
      decipher.setAAD(packet.subarray(0, aad));
      decipher.setAuthTag(packet.subarray(tagEnd - 16, tagEnd));
      plain = decipher.update(packet.subarray(aad, tagEnd - 16));
      decipher.final();
    } else {
      plain = xchacha20poly1305(key, nonce(mode, counter), packet.subarray(0, aad)).decrypt(packet.subarray(aad, tagEnd));
    }
    return plain.subarray(4 * extensionWords);
  } catch {
    return null;
  }
}
