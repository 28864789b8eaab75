/**
 * The voice benchmark's explanation column: what one seal and one open of an
 * 80-byte voice frame cost on this machine, in this process, with nothing
 * else around them (no sockets, no event loop). Uses the benchmark's client
 * code (bench/lib/voice-rtp.ts), which does per packet what the media node's
 * transport-crypto does (one createCipheriv / createDecipheriv for AES-GCM,
 * @noble/ciphers for XChaCha20-Poly1305).
 */
import { randomBytes } from 'node:crypto';
import { openRtp, sealRtp, voiceFrame, type VoiceMode } from './voice-rtp';

/** CPU (user + sys) per operation, µs. */
export interface CryptoCost {
  mode: VoiceMode;
  ops: number;
  sealCpuUs: number;
  openCpuUs: number;
}

function cpuPerOp(ops: number, work: (i: number) => void): number {
  for (let i = 0; i < Math.min(ops, 5_000); i++) work(i);
  const before = process.cpuUsage();
  for (let i = 0; i < ops; i++) work(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / ops;
}

/** Seals and opens `ops` frames in each mode; the opened frames are checked to be the sealed ones. */
export function cryptoCost(ops: number): CryptoCost[] {
  const key = randomBytes(32);
  const frame = voiceFrame(12_345.678);
  return (['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const).map((mode) => {
    const packet = sealRtp(mode, key, { ssrc: 7, sequence: 1, timestamp: 960, counter: 1 }, frame);
    const sealCpuUs = cpuPerOp(ops, (i) => sealRtp(mode, key, { ssrc: 7, sequence: i, timestamp: i * 960, counter: i }, frame));
    let opened = 0;
    const openCpuUs = cpuPerOp(ops, () => {
      if (openRtp(mode, key, packet)?.length === frame.length) opened++;
    });
    if (opened !== ops + Math.min(ops, 5_000)) throw new Error(`${mode}: ${opened} of ${ops + Math.min(ops, 5_000)} frames opened`);
    return { mode, ops, sealCpuUs, openCpuUs };
  });
}
