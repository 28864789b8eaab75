import { createCipheriv, randomBytes } from 'node:crypto';
import { VoiceReceiver } from '@discordjs/voice';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';
import { describe, expect, it, vi } from 'vitest';
import { parseRtpHeader } from './rtp-header';
import { ALL_MODES, openPacket, readNonceCounter, sealPacket } from './transport-crypto';
import type { EncryptionMode } from './types';

type ParsePacket = (buffer: Buffer, mode: string, nonce: Buffer, key: Uint8Array) => Buffer | undefined;
// @discordjs/voice's own receive path (VoiceReceiver.decrypt + parsePacket), called unmodified.
const receiverProto = VoiceReceiver.prototype as unknown as { parsePacket: ParsePacket };
function discordjsOpen(packet: Buffer, mode: EncryptionMode, key: Uint8Array): Buffer | undefined {
  const nonceBuffer = Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  return receiverProto.parsePacket.call(VoiceReceiver.prototype, packet, mode, nonceBuffer, key);
}

// The send path of @discordjs/voice 0.18 (Networking.createAudioPacket + encryptOpusPacket),
// written out step by step from dist/index.js because Networking is not exported.
function discordjsSeal(opus: Buffer, mode: EncryptionMode, key: Uint8Array, nonce: number, seq: number, ts: number, ssrc: number): Buffer {
  const rtpHeader = Buffer.alloc(12);
  rtpHeader[0] = 128;
  rtpHeader[1] = 120;
  rtpHeader.writeUIntBE(seq, 2, 2);
  rtpHeader.writeUIntBE(ts, 4, 4);
  rtpHeader.writeUIntBE(ssrc, 8, 4);
  const nonceBuffer = Buffer.alloc(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  nonceBuffer.writeUInt32BE(nonce, 0);
  const noncePadding = nonceBuffer.subarray(0, 4);
  let encrypted: Buffer;
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const cipher = createCipheriv('aes-256-gcm', key, nonceBuffer);
    cipher.setAAD(rtpHeader);
    encrypted = Buffer.concat([cipher.update(opus), cipher.final(), cipher.getAuthTag()]);
  } else {
    encrypted = Buffer.from(xchacha20poly1305(key, nonceBuffer, rtpHeader).encrypt(opus));
  }
  return Buffer.concat([rtpHeader, encrypted, noncePadding]);
}

function header(seq: number, ts: number, ssrc: number, extensionWords?: number): Buffer {
  const h = Buffer.alloc(extensionWords === undefined ? 12 : 16);
  h[0] = extensionWords === undefined ? 0x80 : 0x90;
  h[1] = 120;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE(ts, 4);
  h.writeUInt32BE(ssrc, 8);
  if (extensionWords !== undefined) {
    h.writeUInt16BE(0xbede, 12);
    h.writeUInt16BE(extensionWords, 14);
  }
  return h;
}

describe.each(ALL_MODES)('transport crypto %s', (mode) => {
  const key = randomBytes(32);
  const opus = randomBytes(120);

  it('our sealed packet opens with @discordjs/voice receive code', async () => {
    const packet = sealPacket(mode, key, header(7, 960, 1234), opus, 42);
    // djs loads its xchacha backend (@noble/ciphers) asynchronously at import time.
    const opened = await vi.waitFor(() => discordjsOpen(packet, mode, key), { timeout: 5000 });
    expect(opened).toEqual(opus);
  });

  it('a packet sealed as @discordjs/voice does opens with ours', () => {
    const packet = discordjsSeal(opus, mode, key, 5, 65535, 0xfffffff0, 0xdeadbeef);
    const parsed = parseRtpHeader(packet);
    expect(parsed).toMatchObject({ sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, aadLength: 12 });
    expect(readNonceCounter(packet)).toBe(5);
    expect(Buffer.from(openPacket(mode, key, packet, 12) ?? [])).toEqual(opus);
    expect(sealPacket(mode, key, packet.subarray(0, 12), opus, 5)).toEqual(packet);
  });

  it('with an extension: header ext is AAD, its body is encrypted; both sides strip it', async () => {
    const extBody = Buffer.from([0x10, 0xaa, 0xbb, 0xcc, 0x20, 1, 2, 3]);
    const h = header(1, 2, 3, 2);
    const packet = sealPacket(mode, key, h, Buffer.concat([extBody, opus]), 9);
    expect(packet.subarray(0, 16)).toEqual(h);
    expect(packet.includes(extBody)).toBe(false);
    const parsed = parseRtpHeader(packet);
    expect(parsed).toMatchObject({ aadLength: 16, extensionWords: 2 });
    const plain = openPacket(mode, key, packet, parsed?.aadLength ?? 0);
    expect(Buffer.from(plain ?? []).subarray(8)).toEqual(opus);
    const viaDjs = await vi.waitFor(() => discordjsOpen(packet, mode, key), { timeout: 5000 });
    expect(viaDjs).toEqual(opus);
  });

  it('layout: counter appended big-endian after the 16-byte tag', () => {
    const packet = sealPacket(mode, key, header(1, 1, 1), opus, 0x01020304);
    expect(packet.length).toBe(12 + opus.length + 16 + 4);
    expect([...packet.subarray(-4)]).toEqual([1, 2, 3, 4]);
  });

  it('rejects a flipped tag, flipped header, wrong key, wrong counter and short input', () => {
    const packet = sealPacket(mode, key, header(1, 1, 1), opus, 3);
    const flipTag = Buffer.from(packet);
    flipTag[flipTag.length - 6] = (flipTag[flipTag.length - 6] ?? 0) ^ 1;
    const flipHeader = Buffer.from(packet);
    flipHeader[3] = (flipHeader[3] ?? 0) ^ 1;
    const otherCounter = Buffer.from(packet);
    otherCounter[otherCounter.length - 1] = 4;
    expect(openPacket(mode, key, flipTag, 12)).toBeNull();
    expect(openPacket(mode, key, flipHeader, 12)).toBeNull();
    expect(openPacket(mode, key, otherCounter, 12)).toBeNull();
    expect(openPacket(mode, randomBytes(32), packet, 12)).toBeNull();
    expect(openPacket(mode, key, packet.subarray(0, 31), 12)).toBeNull();
    expect(openPacket(mode, key, new Uint8Array(0), 12)).toBeNull();
  });
});

it('aes nonce is 12 bytes (counter then 8 zeros), xchacha nonce 24 (counter then 20 zeros)', () => {
  const key = randomBytes(32);
  const h = header(1, 1, 1);
  const opus = Buffer.from([1, 2, 3]);
  const aes = sealPacket('aead_aes256_gcm_rtpsize', key, h, opus, 77);
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(77, 0);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(h);
  expect(aes.subarray(12, -4)).toEqual(Buffer.concat([c.update(opus), c.final(), c.getAuthTag()]));
  const chacha = sealPacket('aead_xchacha20_poly1305_rtpsize', key, h, opus, 77);
  const nonce = Buffer.alloc(24);
  nonce.writeUInt32BE(77, 0);
  expect(chacha.subarray(12, -4)).toEqual(Buffer.from(xchacha20poly1305(key, nonce, h).encrypt(opus)));
});
