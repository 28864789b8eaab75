/**
 * Discord's signed CDN URLs: `?ex=<expiry>&is=<issued>&hm=<mac>&`, the two
 * times as hex Unix seconds and the mac an HMAC-SHA256 (hex) over the path
 * and both times with a secret every API node shares. A URL is only handed
 * to someone who may read the message, so holding a valid one is the
 * permission; a changed path, time or mac, or an expired URL, is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordStore } from '@chat/store';

/** How long a signed URL stays valid (Discord: 24 hours). */
export const SIGNED_URL_TTL_SECONDS = 24 * 60 * 60;

/** Signs and checks CDN paths with one secret. */
export class CdnSigner {
  constructor(private readonly secret: Buffer) {}

  /** The query (`ex`, `is`, `hm`) that makes `path` readable until now + ttl. */
  sign(path: string, nowMs: number, ttlSeconds = SIGNED_URL_TTL_SECONDS): string {
    const issued = Math.floor(nowMs / 1000);
    const ex = (issued + ttlSeconds).toString(16);
    const is = issued.toString(16);
    return `ex=${ex}&is=${is}&hm=${this.mac(path, ex, is)}&`;
  }

  /** Why a signed path is refused, or undefined when it is valid now. */
  refusal(path: string, query: URLSearchParams, nowMs: number): string | undefined {
    const ex = query.get('ex');
    const is = query.get('is');
    const hm = query.get('hm');
    if (!ex || !is || !hm || !/^[0-9a-f]{1,12}$/.test(ex) || !/^[0-9a-f]{1,12}$/.test(is) || !/^[0-9a-f]{64}$/.test(hm)) return 'This content is no longer available.';
    const expected = Buffer.from(this.mac(path, ex, is), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(hm, 'hex'))) return 'This content is no longer available.';
    if (parseInt(ex, 16) * 1000 <= nowMs) return 'This content is no longer available.';
    return undefined;
  }

  private mac(path: string, ex: string, is: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${ex}\n${is}`).digest('hex');
  }
}

/**
 * The signing secret: CHAT_CDN_SECRET when configured, otherwise one
 * generated once and kept in the records store, so every API node (and the
 * next start) signs alike.
 */
export async function loadCdnSecret(records: RecordStore, configured: string): Promise<Buffer> {
  if (configured !== '') return Buffer.from(configured, 'utf8');
  const fresh = randomBytes(32).toString('hex');
  await records.insertIfAbsent('secrets', 'cdn', 'hmac', fresh);
  const stored = await records.get('secrets', 'cdn', 'hmac');
  return Buffer.from(stored ?? fresh, 'hex');
}
