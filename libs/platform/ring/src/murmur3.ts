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

/**
 * The 32-bit MurmurHash3 (x86_32) of the UTF-8 bytes of `key`, as an
 * unsigned integer 0..2^32-1. Stable across processes, machines and versions.
 */
export function murmur3(key: string, seed = 0): number {
  // ASCII (every snowflake id, every node label we make): chars are the bytes.
  const len = key.length;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const c0 = key.charCodeAt(i);
    const c1 = key.charCodeAt(i + 1);
    const c2 = key.charCodeAt(i + 2);
    const c3 = key.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) return murmur3Utf8(key, seed);
    h = mixBlock(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let k = 0;
  const tail = len & 3;
  if (tail > 0) {
    const t0 = key.charCodeAt(i);
    const t1 = tail >= 2 ? key.charCodeAt(i + 1) : 0;
    const t2 = tail === 3 ? key.charCodeAt(i + 2) : 0;
    if ((t0 | t1 | t2) > 0x7f) return murmur3Utf8(key, seed);
    k = t0 | (t1 << 8) | (t2 << 16);
  }
  return finish(h, k, tail, len);
}

/** MurmurHash3 over the UTF-8 encoding of a key with non-ASCII chars. */
function murmur3Utf8(key: string, seed: number): number {
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const b = scratch;
  const len = encoder.encodeInto(key, b).written;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) h = mixBlock(h, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  let k = 0;
  const tail = len & 3;
  if (tail === 3) k ^= b[i + 2]! << 16;
  if (tail >= 2) k ^= b[i + 1]! << 8;
  if (tail >= 1) k ^= b[i]!;
  return finish(h, k, tail, len);
}

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, k: number, tail: number, len: number): number {
  if (tail > 0) {
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
