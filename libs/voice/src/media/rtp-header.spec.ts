import { describe, expect, it } from 'vitest';
import { isRtpVersion2, parseRtpHeader, writeRtpHeader } from './rtp-header';

describe('rtp header', () => {
  it('writes and parses the 12-byte header @discordjs/voice sends', () => {
    const h = new Uint8Array(12);
    writeRtpHeader(h, { sequence: 0x1_0005, timestamp: 2 ** 32 + 7, ssrc: 0xffffffff, marker: true });
    expect([...h.subarray(0, 2)]).toEqual([0x80, 0x80 | 120]);
    expect(parseRtpHeader(h)).toEqual({
      marker: true,
      payloadType: 120,
      padding: false,
      sequence: 5,
      timestamp: 7,
      ssrc: 0xffffffff,
      aadLength: 12,
      extensionWords: 0,
    });
  });

  it('counts CSRCs and the extension header into the AAD', () => {
    const p = new Uint8Array(12 + 8 + 4 + 10);
    p[0] = 0x80 | 0x10 | 2; // X, CC=2
    p[1] = 120;
    p.set([0xbe, 0xde, 0, 3], 20);
    expect(parseRtpHeader(p)).toMatchObject({ aadLength: 24, extensionWords: 3 });
  });

  it('returns null for short, truncated or non-v2 input', () => {
    expect(parseRtpHeader(new Uint8Array(0))).toBeNull();
    expect(parseRtpHeader(new Uint8Array(11).fill(0x80))).toBeNull();
    const v1 = new Uint8Array(40);
    v1[0] = 0x40;
    expect(parseRtpHeader(v1)).toBeNull();
    expect(isRtpVersion2(v1)).toBe(false);
    const csrcTruncated = new Uint8Array(20);
    csrcTruncated[0] = 0x8f; // 15 CSRCs = 60 bytes
    expect(parseRtpHeader(csrcTruncated)).toBeNull();
    const extTruncated = new Uint8Array(14);
    extTruncated[0] = 0x90;
    expect(parseRtpHeader(extTruncated)).toBeNull();
  });
});
