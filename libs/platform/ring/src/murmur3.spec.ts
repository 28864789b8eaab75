import { describe, expect, it } from 'vitest';
import { murmur3 } from './index';

describe('murmur3 (x86_32)', () => {
  // Published MurmurHash3_x86_32 test vectors.
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['abc', 0, 0xb3dd93fa],
    ['hello', 0, 0x248bfa47],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ])('hashes %j with seed %i', (input, seed, expected) => {
    expect(murmur3(input, seed)).toBe(expected);
  });

  // Expected values are MurmurHash3 of the UTF-8 bytes, computed independently
  // (imurmurhash over the bytes as Latin-1 characters).
  it.each([
    ['é', 0x10110787],
    ['abcé', 0xcca13541],
    ['guild-😀-x', 0x2f013fc6],
    // a non-ASCII char in each position of the last, partial block
    ['aé', 0x031a0ccf],
    ['abé', 0xcf3a077c],
    ['abcdé', 0xe4012811],
    ['abcdxé', 0xc847a633],
    ['abcdxyé', 0x2073abca],
  ])('hashes the UTF-8 bytes of non-ASCII %j', (input, expected) => {
    expect(murmur3(input)).toBe(expected);
  });

  it('handles keys longer than its scratch buffer', () => {
    const long = 'x'.repeat(10_000);
    expect(murmur3(long)).toBe(murmur3(long));
    expect(murmur3(long)).not.toBe(murmur3(`${long}y`));
  });

  it('returns unsigned 32-bit integers', () => {
    for (let i = 0; i < 1000; i++) {
      const h = murmur3(`key-${i}`);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });
});
