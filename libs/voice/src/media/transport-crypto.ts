/**
 * Discord voice transport encryption, the two `_rtpsize` AEAD modes:
 *
 *     packet = clear header (aadLength bytes, the AAD)
 *            | ciphertext (extension body + Opus)
 *            | 16-byte tag
 *            | 4-byte big-endian nonce counter
 *
 * The nonce is the 4-byte counter followed by zeros: 12 bytes for
 * aes-256-gcm (Node crypto), 24 bytes for xchacha20-poly1305 (@noble/ciphers).
 * This matches @discordjs/voice 0.18 (Networking.encryptOpusPacket and
 * VoiceReceiver.decrypt).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';
import type { EncryptionMode } from './types';

/** AEAD tag length of both modes. */
export const TAG_LENGTH = 16;
/** The nonce counter appended to every packet. */
export const NONCE_SUFFIX_LENGTH = 4;
/** Every mode this implementation speaks, preferred first. */
export const ALL_MODES: readonly EncryptionMode[] = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'];

/** True when `mode` is one of {@link ALL_MODES}. */
export function isEncryptionMode(mode: string): mode is EncryptionMode {
  return (ALL_MODES as readonly string[]).includes(mode);
}

function nonceFor(mode: EncryptionMode, counter: number): Uint8Array {
  const nonce = new Uint8Array(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  new DataView(nonce.buffer).setUint32(0, counter >>> 0);
  return nonce;
}

/**
 * Encrypts `plaintext` under `header` (used verbatim as the clear part and the
 * AAD) with nonce `counter`, and returns the whole datagram.
 */
export function sealPacket(
  mode: EncryptionMode,
  key: Uint8Array,
  header: Uint8Array,
  plaintext: Uint8Array,
  counter: number,
): Buffer {
  const nonce = nonceFor(mode, counter);
  const out = Buffer.allocUnsafe(header.length + plaintext.length + TAG_LENGTH + NONCE_SUFFIX_LENGTH);
  out.set(header, 0);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(header);
    const body = cipher.update(plaintext);
    const tail = cipher.final();
    out.set(body, header.length);
    out.set(tail, header.length + body.length);
    out.set(cipher.getAuthTag(), header.length + plaintext.length);
  } else {
    const sealed = xchacha20poly1305(key, nonce, header).encrypt(plaintext);
    out.set(sealed, header.length);
  }
  out.writeUInt32BE(counter >>> 0, out.length - NONCE_SUFFIX_LENGTH);
  return out;
}

/** The nonce counter at the end of a packet, or null when it is too short. */
export function readNonceCounter(packet: Uint8Array): number | null {
  if (packet.length < NONCE_SUFFIX_LENGTH) return null;
  return new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint32(packet.length - NONCE_SUFFIX_LENGTH);
}

/**
 * Decrypts a datagram whose first `aadLength` bytes are the clear header.
 * Returns the plaintext (extension body + payload), or null when the packet
 * is too short or the tag does not verify. Never throws.
 */
export function openPacket(mode: EncryptionMode, key: Uint8Array, packet: Uint8Array, aadLength: number): Uint8Array | null {
  const counter = readNonceCounter(packet);
  if (counter === null || packet.length < aadLength + TAG_LENGTH + NONCE_SUFFIX_LENGTH) return null;
  const nonce = nonceFor(mode, counter);
  const aad = packet.subarray(0, aadLength);
  const tagEnd = packet.length - NONCE_SUFFIX_LENGTH;
  try {
    if (mode === 'aead_aes256_gcm_rtpsize') {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
      decipher.setAAD(aad);
      decipher.setAuthTag(packet.subarray(tagEnd - TAG_LENGTH, tagEnd));
      const body = decipher.update(packet.subarray(aadLength, tagEnd - TAG_LENGTH));
      const tail = decipher.final();
      return tail.length === 0 ? body : Buffer.concat([body, tail]);
    }
    return xchacha20poly1305(key, nonce, aad).decrypt(packet.subarray(aadLength, tagEnd));
  } catch {
    return null;
  }
}
