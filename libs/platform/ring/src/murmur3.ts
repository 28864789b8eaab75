/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's public-domain design),
 * over the UTF-8 bytes of a string. Chosen for the ring because it is small,
 * well distributed, and fast in JS (32-bit `Math.imul` only, no bigint, no
 * allocation for ASCII keys such as snowflake ids).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** Writes `key` as UTF-8 into the scratch buffer and returns its byte length. */
function toUtf8(key: string): number {
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const buf = scratch;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) return encoder.encodeInto(key, buf).written;
    buf[i] = c;
  }
  return key.length;
}

/**
 * The 32-bit MurmurHash3 (x86_32) of the UTF-8 bytes of `key`, as an
 * unsigned integer 0..2^32-1. Stable across processes, machines and versions.
 */
export function murmur3(key: string, seed = 0): number {
  const len = toUtf8(key);
  const b = scratch;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    let k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= b[i + 2]! << 16;
    if (tail >= 2) k ^= b[i + 1]! << 8;
    k ^= b[i]!;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
